// Says it is about to spin, then spins forever.
postMessage("spinning");
while (true) {
  // busy
}
