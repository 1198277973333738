fn main() -> std::process::ExitCode {
    guidecheck::app::main()
}
