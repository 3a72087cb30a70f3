//! `otr_parse`: see `man otr_parse` and [`otr_toolkit::tools::otr_parse`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_parse)
}
