//! The one line of setup a binary needs: a run path to the libtorch that
//! vi-core was built against, so that the binary finds it when started by
//! itself (cargo run and cargo test find it without this).

fn main() {
    println!(
        "cargo::rustc-link-arg=-Wl,-rpath,{}",
        std::env::var("DEP_VI_CORE_LIBTORCH_LIB").unwrap_or_default()
    );
}
