//! Embedding Pyro: a host function, a program's value, and errors
//! rendered with their source.

use pyro_vm::{HostError, Value, Vm};

#[tokio::main]
async fn main() {
    let vm = Vm::builder()
        .recursion_limit(5_000)
        .function("double", |args: Vec<Value>| match args.as_slice() {
            [Value::Int(n)] => n
                .checked_mul(2)
                .map(Value::Int)
                .ok_or_else(|| HostError::new("double(): the result does not fit in an int")),
            _ => Err(HostError::new("double() takes one int")),
        })
        .build();

    // The value of the last statement comes back to Rust.
    let source = "let answer = double(21)\nprint(f\"from Pyro: {answer}\")\nanswer";
    match vm.run_source("main.pyro", source).await {
        Ok(value) => println!("from Rust: {value}"),
        Err(error) => report(&vm, error),
    }

    // Errors are miette diagnostics; the VM's source map renders them.
    if let Err(error) = vm.run_source("bad.pyro", "double(\"x\")").await {
        report(&vm, error);
    }
}

fn report(vm: &Vm, error: pyro_vm::PyroError) {
    let sources = vm.sources().snapshot();
    for diagnostic in error.diagnostics() {
        let report = miette::Report::new_boxed(diagnostic).with_source_code(sources.clone());
        eprintln!("{report:?}");
    }
}
