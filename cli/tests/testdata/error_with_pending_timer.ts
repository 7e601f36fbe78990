// A module that throws ends the program at once, as any uncaught error does: the timer
// it set never runs.
setTimeout(() => console.log("the timer ran"), 5000);
throw new Error("thrown while a timer is pending");
