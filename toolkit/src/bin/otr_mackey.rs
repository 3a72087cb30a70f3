//! `otr_mackey`: see `man otr_mackey` and [`otr_toolkit::tools::otr_mackey`].

fn main() -> std::process::ExitCode {
    otr_toolkit::run(otr_toolkit::tools::otr_mackey)
}
