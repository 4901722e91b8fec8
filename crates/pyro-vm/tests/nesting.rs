//! Recursion a script drives through Rust code — natives calling back into
//! Pyro, structural operations on nested values, chains of imports — is
//! bounded by the recursion limit, never by the size of the thread's stack:
//! an embedder's Tokio runtime with small worker stacks runs it as well as
//! the CLI does.

use std::sync::{Arc, Mutex};

use pyro_vm::Vm;

/// A sink for `print` that the test can read.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A runtime whose worker threads have 512 KiB stacks.
fn small_stacks() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(512 * 1024)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `source` on [`small_stacks`].
fn run_on_small_stacks(source: &str) -> Result<String, String> {
    let runtime = small_stacks();
    let out = Output::default();
    let vm = Vm::builder().stdout(out.clone()).build();
    let result = runtime.block_on(vm.run_source("main.pyro", source));
    vm.flush();
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    result.map(|_| text).map_err(|e| format!("{e:?}"))
}

#[test]
fn recursion_through_natives_reaches_the_limit_on_small_stacks() {
    let out = run_on_small_stacks(
        r#"
def through_sorted(n):
    if n == 0:
        return 0
    return sorted([n], key=lambda x: through_sorted(n - 1))[0]
print(through_sorted(4000))

class Node:
    def __init__(self, value, next):
        self.value = value
        self.next = next
    def __str__(self):
        if self.next is None:
            return str(self.value)
        return str(self.value) + "," + str(self.next)

mut chain = None
for i in range(9000):
    chain = Node(i, chain)
print(len(str(chain)))

class Hashy:
    def __hash__(self):
        return hash(self)
try:
    let d = {Hashy(): 1}
except RecursionError as e:
    print("hash:", e.message)
"#,
    )
    .unwrap();
    assert_eq!(out, "4000\n43889\nhash: maximum recursion depth exceeded\n");
}

#[test]
fn deep_values_are_compared_printed_and_freed_on_small_stacks() {
    let out = run_on_small_stacks(
        r#"
mut a = []
mut b = []
for i in range(50000):
    a = [a]
    b = [b]
try:
    print(a == b)
except RecursionError as e:
    print("==:", e.message)
try:
    print(len(repr(a)))
except RecursionError as e:
    print("repr:", e.message)
mut ok = []
for i in range(5000):
    ok = [ok]
print(len(repr(ok)))
mut chain = None
for i in range(1000000):
    chain = (chain, i)
chain = None
print("freed")
"#,
    )
    .unwrap();
    assert_eq!(
        out,
        "==: maximum recursion depth exceeded\nrepr: maximum recursion depth exceeded\n10002\nfreed\n"
    );
}

#[test]
fn a_long_chain_of_imports_runs_and_a_runaway_one_is_a_recursion_error() {
    let dir = std::env::temp_dir().join(format!("pyro-import-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 2500;
    for i in 0..n {
        let next = if i + 1 < n {
            format!("import m{}\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.join(format!("m{i}.pyro")),
            format!("{next}let v = {i}\n"),
        )
        .unwrap();
    }
    std::fs::write(dir.join("main.pyro"), "import m0\nprint(\"imported\")\n").unwrap();

    let runtime = small_stacks();
    let out = Output::default();
    let vm = Vm::builder().stdout(out.clone()).build();
    runtime
        .block_on(vm.run_file(dir.join("main.pyro")))
        .unwrap();
    vm.flush();
    assert_eq!(
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap(),
        "imported\n"
    );

    // With a limit below the chain's length, the import fails cleanly.
    let vm = Vm::builder().recursion_limit(1000).build();
    let error = runtime
        .block_on(vm.run_file(dir.join("main.pyro")))
        .unwrap_err();
    assert!(format!("{error:?}").contains("RecursionError"), "{error:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
