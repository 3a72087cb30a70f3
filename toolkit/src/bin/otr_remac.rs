//! `otr_remac`: see `man otr_remac` and [`otr_toolkit::tools::otr_remac`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_remac)
}
