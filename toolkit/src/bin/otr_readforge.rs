//! `otr_readforge`: see `man otr_readforge` and [`otr_toolkit::tools::otr_readforge`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_readforge)
}
