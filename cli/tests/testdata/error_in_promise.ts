type Reason = string;
async function main(reason: Reason): Promise<void> {
  await null;
  throw new TypeError(reason);
}
main("async failure");
