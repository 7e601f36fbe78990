// Throws from its message handler.
onmessage = () => {
  throw new Error(`boom in ${self.name}`);
};
