//! How a web class tells the console what to show of it: a method under `fieldsOf`
//! returning its fields by name, or a list of pairs (printed as a Map's entries); its
//! state lives in private fields and getters, which the console cannot see. Printed
//! after the class's name, as Deno prints them.
export const fieldsOf: unique symbol = Symbol("fieldsOf");
