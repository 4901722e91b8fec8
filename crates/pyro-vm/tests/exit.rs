//! `std.process.exit` ends the program, never the host: the embedding API
//! returns `PyroError::Exit` with the status, and the host goes on.

use pyro_vm::{PyroError, Vm};

#[test]
fn exit_returns_its_status_to_the_host() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let vm = Vm::builder().stdout(std::io::sink()).build();
    let source = "import std.process\ngo process.exit(9)\nimport std.time\ntime.sleep(10)\n";
    match runtime.block_on(vm.run_source("main.pyro", source)) {
        Err(PyroError::Exit(9)) => {}
        other => panic!("expected an exit with status 9, got {other:?}"),
    }
    // The host and the VM are still usable.
    let again = runtime
        .block_on(vm.run_source("again.pyro", "1 + 1"))
        .unwrap();
    assert_eq!(i64::try_from(again).unwrap(), 2);
}
