//! Build: the binary finds libnode.so.108 in third_party/ (an rpath), where setup put it.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBNODE_LIB_DIR");
    let lib =
        std::env::var("LIBNODE_LIB_DIR").expect("LIBNODE_LIB_DIR: run tools/setup.sh (make does)");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
}
