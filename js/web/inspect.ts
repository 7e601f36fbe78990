//! How a web class tells the console what to show of it: a method under `fieldsOf`
//! returning the fields (its state lives in private fields and getters, which the
//! console cannot see), printed after the class's name as Deno prints them.
export const fieldsOf: unique symbol = Symbol("fieldsOf");
