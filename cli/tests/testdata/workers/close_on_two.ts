// Answers each message; closes on message 2.
onmessage = (e) => {
  postMessage(e.data);
  if (e.data === 2) close();
};
