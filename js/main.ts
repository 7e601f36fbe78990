import * as msg from "../gen/msg.ts"; (globalThis as any).x = msg;
