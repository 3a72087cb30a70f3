//! `otr_modify`: see `man otr_modify` and [`otr_toolkit::tools::otr_modify`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_modify)
}
