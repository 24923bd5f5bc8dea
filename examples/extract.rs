//! The scorers' entry point (`target/release/examples/extract`, the command
//! of `OUTPUT.md`): the same program as the `zhextract` binary, compiled
//! from its source.
//!
//! ```text
//! cargo run --release --example extract -- fixtures/seed_tmall_wechat_trad.txt
//! echo '騰訊和阿里' | cargo run --release --example extract -- --text
//! ```

#[path = "../src/bin/zhextract.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
