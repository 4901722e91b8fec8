//! A readable listing of a code object and the code objects nested in it
//! (`pyro dis FILE`).

use std::fmt::Write;

use crate::code::{Code, Const};
use crate::op::Op;

/// Disassembles `code`; `line_of` maps a span to a line number.
pub fn disassemble(code: &Code, line_of: &dyn Fn(pyro_source::Span) -> u32) -> String {
    let mut out = String::new();
    write_code(code, &code.global_names, line_of, &mut out);
    out
}

/// `globals` are the module's global names (nested code objects index the
/// module's table, which only the module's code object carries).
fn write_code(
    code: &Code,
    globals: &[std::sync::Arc<str>],
    line_of: &dyn Fn(pyro_source::Span) -> u32,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "== {} ({:?}, {} params, {} locals, {} captured) ==",
        code.name,
        code.kind,
        code.params.len(),
        code.local_names.len(),
        code.free_names.len()
    );
    let mut last_line = 0;
    for (pc, op) in code.ops.iter().enumerate() {
        let line = line_of(code.span_at(pc));
        let line_col = if line != last_line {
            format!("{line:>4}")
        } else {
            "    ".to_string()
        };
        last_line = line;
        let _ = writeln!(
            out,
            "{line_col} {pc:>5}  {:<18}{}",
            op_text(op),
            annotation(code, globals, op)
        );
    }
    // Functions nest (within the parser's limit); each level recurses on a
    // stack that grows.
    for k in &code.consts {
        if let Const::Code(inner) = k {
            out.push('\n');
            pyro_source::stack::grow(|| write_code(inner, globals, line_of, out));
        }
    }
}

fn op_text(op: &Op) -> String {
    let debug = format!("{op:?}");
    match debug.split_once('(') {
        Some((name, args)) => format!("{name} {}", args.trim_end_matches(')')),
        None => debug,
    }
}

fn annotation(code: &Code, globals: &[std::sync::Arc<str>], op: &Op) -> String {
    let local = |s: u32| {
        code.local_names
            .get(s as usize)
            .map_or("?".into(), |n| format!("({n})"))
    };
    let name = |n: u32| {
        code.names
            .get(n as usize)
            .map_or("?".into(), |n| format!("({n})"))
    };
    match *op {
        Op::LoadConst(k)
        | Op::MakeFunction(k, _)
        | Op::MakeClass(k, _)
        | Op::MakeRecord(k, _)
        | Op::Import(k) => code
            .consts
            .get(k as usize)
            .map_or(String::new(), |c| format!("({})", const_text(c))),
        Op::LoadLocal(s)
        | Op::LoadLocalChecked(s)
        | Op::StoreLocal(s)
        | Op::LoadCell(s)
        | Op::StoreCell(s)
        | Op::StoreFreshCell(s)
        | Op::PushLocalCell(s)
        | Op::AddToLocal(s)
        | Op::ReturnLocal(s) => local(s),
        Op::LocalAddInt(s, _)
        | Op::LocalSubInt(s, _)
        | Op::LocalLtInt(s, _)
        | Op::LocalLeInt(s, _)
        | Op::LocalGtInt(s, _)
        | Op::LocalGeInt(s, _)
        | Op::LocalEqInt(s, _)
        | Op::LocalNeInt(s, _) => local(s as u32),
        Op::LoadFree(i) | Op::StoreFree(i) | Op::PushFreeCell(i) => code
            .free_names
            .get(i as usize)
            .map_or("?".into(), |n| format!("({n})")),
        Op::LoadGlobal(g) | Op::LoadCallee(g) | Op::StoreGlobal(g) | Op::AddToGlobal(g) => globals
            .get(g as usize)
            .map_or(String::new(), |n| format!("({n})")),
        Op::LoadBuiltin(id) => {
            pyro_builtins::Builtin::from_index(id).map_or("?".into(), |b| format!("({})", b.name()))
        }
        Op::GetLocalAttr(s, n) | Op::SetLocalAttr(s, n) => format!(
            "({}.{})",
            code.local_names.get(s as usize).map_or("?", |n| &**n),
            code.names.get(n as usize).map_or("?", |n| &**n)
        ),
        Op::GetAttr(n)
        | Op::SetAttr(n)
        | Op::CallMethod(_, n)
        | Op::ImportFrom(n)
        | Op::LoadName(n) => name(n),
        _ => String::new(),
    }
}

fn const_text(c: &Const) -> String {
    match c {
        Const::None => "None".into(),
        Const::Bool(b) => b.to_string(),
        Const::Int(n) => n.to_string(),
        Const::Float(x) => format!("{x:?}"),
        Const::Str(s) => format!("{s:?}"),
        Const::Tuple(items) => format!(
            "({})",
            items.iter().map(const_text).collect::<Vec<_>>().join(", ")
        ),
        Const::Code(code) => format!("<code {}>", code.name),
    }
}
