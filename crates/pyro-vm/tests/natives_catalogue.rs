//! Every native in the catalogue rejects bad arguments with a `TypeError`.
//!
//! Walks the whole catalogue — every prelude function and type, every error
//! class, every member of every native std module, every method of every
//! built-in type — and calls each entry with an unknown keyword and with
//! one positional argument too many, in one generated program. Each call
//! must raise a `TypeError` naming the function (no panic, no hang, no
//! silent acceptance). New entries are covered as they are added; a new
//! kind of receiver does not compile until it has a value below.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyro_builtins::{Builtin, Kind, Receiver, ALL, NATIVE_MODULES};
use pyro_parser::ast::{ParamKind, StmtKind};

/// The shape of a signature: positional parameters, `*args`, `**kwargs`.
struct Shape {
    positional: usize,
    varargs: bool,
    kwargs: bool,
}

fn shape(signature: &str) -> Shape {
    let text = format!("def _{signature}:\n    pass\n");
    let parsed = pyro_parser::parse_text(&text, 0);
    assert!(
        parsed.errors.is_empty(),
        "signature does not parse: {signature}"
    );
    let Some(StmtKind::FuncDef(def)) = parsed.module.body.first().map(|s| &s.kind) else {
        panic!("not a signature: {signature}");
    };
    let varargs = def.params.iter().position(|p| p.kind == ParamKind::VarArgs);
    Shape {
        positional: def.params[..varargs.unwrap_or(def.params.len())]
            .iter()
            .filter(|p| p.kind == ParamKind::Normal)
            .count(),
        varargs: varargs.is_some(),
        kwargs: def.params.iter().any(|p| p.kind == ParamKind::KwArgs),
    }
}

/// Values of each receiver kind, with the type name messages give them.
fn receivers(r: Receiver) -> Vec<(&'static str, &'static str)> {
    match r {
        Receiver::Str => vec![("\"abc\"", "string")],
        Receiver::Seq => vec![
            ("[1, 2]", "list"),
            ("(1, 2)", "tuple"),
            ("ListMutable([1])", "list_mut"),
            ("TupleMutable([1])", "tuple_mut"),
        ],
        Receiver::ListMut => vec![("ListMutable([1])", "list_mut"), ("[1]", "list")],
        Receiver::Dict => vec![("{1: 2}", "dict"), ("DictMutable({1: 2})", "dict_mut")],
        Receiver::DictMut => vec![("DictMutable({1: 2})", "dict_mut"), ("{1: 2}", "dict")],
        Receiver::Set => vec![("{1}", "set"), ("SetMutable([1])", "set_mut")],
        Receiver::SetMut => vec![("SetMutable([1])", "set_mut"), ("{1}", "set")],
        Receiver::Int => vec![("5", "int"), ("true", "bool")],
        Receiver::Float => vec![("1.5", "float")],
        Receiver::Chan => vec![("chan(1)", "chan")],
        Receiver::Sender => vec![("chan(1).sender()", "Sender")],
        Receiver::Receiver => vec![("chan(1).receiver()", "Receiver")],
        Receiver::Task => vec![("_task", "Task")],
        Receiver::Mutex => vec![("sync.Mutex()", "Mutex")],
        Receiver::RwLock => vec![("sync.RwLock()", "RwLock")],
        Receiver::RwLockGuard => vec![
            ("sync.RwLock().read()", "RwLockGuard"),
            ("sync.RwLock().write()", "RwLockGuard"),
        ],
        Receiver::WaitGroup => vec![("sync.WaitGroup()", "WaitGroup")],
        Receiver::Semaphore => vec![("sync.Semaphore(1)", "Semaphore")],
        Receiver::Event => vec![("sync.Event()", "Event")],
        Receiver::Barrier => vec![("sync.Barrier(2)", "Barrier")],
        Receiver::Atomic => vec![("sync.Atomic(0)", "Atomic")],
        Receiver::Iterator => vec![("iter([1, 2])", "iterator")],
    }
}

/// One call that must fail: the expression, and what the message must say.
struct Case {
    call: String,
    expect: String,
}

fn cases_for(callee: &str, display: &str, signature: &str, out: &mut Vec<Case>) {
    let s = shape(signature);
    if !s.kwargs {
        out.push(Case {
            call: format!("{callee}(bogus=1)"),
            expect: format!("{display}() got an unexpected keyword argument 'bogus'"),
        });
    }
    if !s.varargs {
        let args = vec!["0"; s.positional + 1].join(", ");
        out.push(Case {
            call: format!("{callee}({args})"),
            expect: format!("{display}() takes "),
        });
    }
}

fn module_alias(module: &str) -> String {
    format!("m_{}", module.rsplit('.').next().unwrap_or(module))
}

fn all_cases() -> (String, Vec<Case>) {
    let mut header = String::from("import std.sync as sync\ndef _noop():\n    return 1\nlet _task = go _noop()\n_task.join()\n");
    let mut cases = Vec::new();
    for b in pyro_builtins::prelude() {
        let info = b.info();
        if info.kind == Kind::Constant {
            continue;
        }
        cases_for(info.name, info.name, info.signature, &mut cases);
    }
    for m in NATIVE_MODULES {
        let alias = module_alias(m.name);
        header.push_str(&format!("import {} as {alias}\n", m.name));
        let short = m
            .name
            .rsplit('.')
            .next()
            .unwrap_or(m.name)
            .trim_start_matches('_');
        for b in m.members {
            let info = b.info();
            if info.kind == Kind::Constant {
                continue;
            }
            let callee = format!("{alias}.{}", info.name);
            // A record is named by itself wherever it is reached from.
            let display = match info.kind {
                Kind::Record => info.name.to_string(),
                _ => format!("{short}.{}", info.name),
            };
            cases_for(&callee, &display, info.signature, &mut cases);
        }
    }
    for r in pyro_builtins::receivers() {
        for (value, type_name) in receivers(r) {
            for m in pyro_builtins::methods_of(r) {
                let callee = format!("({value}).{}", m.name);
                let display = format!("{type_name}.{}", m.name);
                cases_for(&callee, &display, m.signature, &mut cases);
            }
        }
    }
    // Every catalogue entry that is not a constant was visited.
    let visited = ALL
        .iter()
        .filter(|b: &&Builtin| b.info().kind != Kind::Constant)
        .count();
    assert!(
        cases.len() >= visited,
        "{} cases for {visited} entries",
        cases.len()
    );
    (header, cases)
}

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn every_native_rejects_a_bad_keyword_and_a_bad_arity() {
    let (mut program, cases) = all_cases();
    for (i, case) in cases.iter().enumerate() {
        program.push_str(&format!(
            "try:\n    {}\n    print(\"ACCEPTED {i}\")\nexcept TypeError as e:\n    print(\"TYPEERROR {i} \" + e.message)\nexcept Error as e:\n    print(\"OTHER {i} \" + repr(e))\n",
            case.call
        ));
    }
    let sink = Sink::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let vm = pyro_vm::Vm::builder().stdout(sink.clone()).build();
    let run = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(120),
            vm.run_source("catalogue.pyro", &program),
        )
        .await
    });
    vm.flush();
    let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    match run {
        Err(_) => panic!("the calls did not finish (a hang); output so far:\n{out}"),
        Ok(Err(e)) => panic!("the program failed: {e:?}\noutput:\n{out}"),
        Ok(Ok(_)) => {}
    }
    assert!(!out.contains("panicked"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let prefix = format!("TYPEERROR {i} ");
        match lines
            .iter()
            .find(|l| l.split(' ').nth(1) == Some(&i.to_string()))
        {
            Some(line) if line.starts_with(&prefix) && line.contains(&case.expect) => {}
            Some(line) => failures.push(format!("{}: {line} (wanted: {})", case.call, case.expect)),
            None => failures.push(format!("{}: no outcome", case.call)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls did not raise the TypeError wanted:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
