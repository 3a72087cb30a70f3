//! `otr_sesskeys`: see `man otr_sesskeys` and [`otr_toolkit::tools::otr_sesskeys`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_sesskeys)
}
