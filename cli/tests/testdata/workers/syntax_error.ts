// Does not compile.
let x = ;
