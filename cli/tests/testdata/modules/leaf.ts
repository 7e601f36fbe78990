export const leaf: string = "leaf";
console.log("leaf evaluated");
