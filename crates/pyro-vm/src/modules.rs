//! Modules: the native std modules, and `.pyro` files imported by path.
//!
//! A file module's top level runs once, even when several tasks import it
//! at the same moment (the others wait on a `tokio::sync::OnceCell`, which
//! suspends them rather than blocking a thread). An import that reaches a
//! file already being imported by the same chain of imports is a cycle and an
//! `ImportError`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyro_builtins::{Builtin, NATIVE_MODULES};
use rustc_hash::FxHashMap;

use crate::call::{self, Invoked};
use crate::error::{PyroError, RuntimeError};
use crate::fiber::{drive, Fiber, OnReturn, Wait};
use crate::object::{Function, Module};
use crate::runtime::{prepare, Rt};
use crate::value::Value;

pub enum Imported {
    Ready(Value),
    Wait(Wait),
}

/// The native modules, and the `std` package whose members they are.
pub(crate) fn native_modules() -> FxHashMap<String, Arc<Module>> {
    let mut map = FxHashMap::default();
    let mut package_names: Vec<Arc<str>> = Vec::new();
    let mut package_values = Vec::new();
    for m in NATIVE_MODULES {
        let names: Vec<Arc<str>> = m.members.iter().map(|b| Arc::from(b.name())).collect();
        let module = Module::new(m.name, None, &names);
        for (i, b) in m.members.iter().enumerate() {
            module.globals[i].set(crate::stdlib::constant(*b).unwrap_or(Value::Builtin(*b)));
        }
        let module = Arc::new(module);
        let short = m.name.trim_start_matches("std.");
        package_names.push(short.into());
        package_values.push(Value::Module(module.clone()));
        map.insert(m.name.to_string(), module);
    }
    let package = Module::new("std", None, &package_names);
    for (i, v) in package_values.into_iter().enumerate() {
        package.globals[i].set(v);
    }
    map.insert("std".to_string(), Arc::new(package));
    map
}

fn import_error(message: String) -> RuntimeError {
    RuntimeError::new(Builtin::ImportError, message)
}

/// Where an import path points, relative to the importing module's file.
fn resolve(from: &Module, path: &str) -> PathBuf {
    let dir = from
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let relative = if path.ends_with(".pyro") || path.contains('/') {
        PathBuf::from(path)
    } else {
        PathBuf::from(format!("{}.pyro", path.replace('.', "/")))
    };
    let joined = if relative.is_absolute() {
        relative
    } else {
        dir.join(relative)
    };
    std::fs::canonicalize(&joined).unwrap_or(joined)
}

pub fn import(
    rt: &Rt,
    fiber: &Fiber,
    from: &Arc<Module>,
    path: &str,
) -> Result<Imported, RuntimeError> {
    if let Some(m) = rt.native.get(path) {
        return Ok(Imported::Ready(Value::Module(m.clone())));
    }
    if path.starts_with("std.") {
        let Some((_, source)) = pyro_builtins::PYRO_STD
            .iter()
            .find(|(name, _)| *name == path)
        else {
            return Err(import_error(format!("no module named '{path}'")));
        };
        // Embedded modules are keyed by a pseudo-path so they load once.
        let key = PathBuf::from(format!("<std>/{}.pyro", path.trim_start_matches("std.")));
        return Ok(load_cached(
            rt,
            key,
            None,
            Some(source),
            fiber.depth(),
            path.to_string(),
        ));
    }
    let file = resolve(from, path);
    if let Some(cell) = rt.files.get(&file).map(|c| c.clone()) {
        if let Some(m) = cell.get() {
            return Ok(Imported::Ready(Value::Module(m.clone())));
        }
    }
    let chain = match &fiber.import_chain {
        Some(link) => Some(link.clone()),
        // The main program starts the chain.
        None => from.path.clone().map(|p| ImportLink::new(p, None)),
    };
    if ImportLink::files(&chain).any(|p| *p == file) {
        let mut shown: Vec<String> = ImportLink::files(&chain).map(|p| display_name(p)).collect();
        shown.reverse();
        shown.push(display_name(&file));
        return Err(import_error(format!(
            "import cycle: {}",
            shown.join(" -> ")
        )));
    }
    Ok(load_cached(
        rt,
        file,
        chain,
        None,
        fiber.depth(),
        module_name(path),
    ))
}

/// The name (`__name__`) of the module an import path loads: `utils`,
/// `pkg.mod` and `std.json` as written; for a file path, the path without
/// `.pyro` and with `/` read as `.` (`"lib.pyro"` is `lib`, `"sub/util.pyro"`
/// is `sub.util`), or only the file's name when the path leaves the
/// importing file's folder (`..`) or is absolute. A file imported in two
/// ways is loaded once, named by the import that loaded it.
fn module_name(path: &str) -> String {
    let is_file = path.ends_with(".pyro") || path.contains('/');
    if !is_file {
        return path.to_string();
    }
    let relative = Path::new(path);
    let stem = relative
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned());
    let mut parts = Vec::new();
    for part in relative.parent().into_iter().flat_map(Path::components) {
        match part {
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            std::path::Component::CurDir => {}
            _ => return stem,
        }
    }
    parts.push(stem);
    parts.join(".")
}

/// One file in a chain of imports being run (each importing the next),
/// innermost first: shared, so a chain of `n` imports costs `n` links.
pub struct ImportLink {
    file: PathBuf,
    parent: Option<Arc<ImportLink>>,
}

impl ImportLink {
    fn new(file: PathBuf, parent: Option<Arc<ImportLink>>) -> Arc<ImportLink> {
        Arc::new(ImportLink { file, parent })
    }

    /// The files of a chain, innermost first.
    fn files(chain: &Option<Arc<ImportLink>>) -> impl Iterator<Item = &PathBuf> {
        std::iter::successors(chain.as_deref(), |link| link.parent.as_deref()).map(|l| &l.file)
    }
}

/// Links are freed one by one, not recursively (a long chain of imports).
impl Drop for ImportLink {
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(link) = next {
            next = match Arc::try_unwrap(link) {
                Ok(mut link) => link.parent.take(),
                Err(_) => None,
            };
        }
    }
}

/// Loads a module once (other importers wait for the first). Its top level
/// runs on a fiber whose frames count from the importer's `depth`, so a
/// runaway chain of imports meets the recursion limit.
fn load_cached(
    rt: &Rt,
    file: PathBuf,
    chain: Option<Arc<ImportLink>>,
    embedded: Option<&'static str>,
    depth: usize,
    name: String,
) -> Imported {
    if let Some(m) = rt.files.get(&file).and_then(|c| c.get().cloned()) {
        return Imported::Ready(Value::Module(m));
    }
    let rt = rt.clone();
    Imported::Wait(crate::nest::grow_wait(Box::pin(async move {
        if depth >= rt.recursion_limit {
            return Err(crate::nest::recursion_error());
        }
        let cell = rt.files.entry(file.clone()).or_default().clone();
        let module = cell
            .get_or_try_init(|| load_file(&rt, file.clone(), chain, embedded, depth, name))
            .await?;
        Ok(Value::Module(module.clone()))
    })))
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

async fn load_file(
    rt: &Rt,
    file: PathBuf,
    chain: Option<Arc<ImportLink>>,
    embedded: Option<&'static str>,
    depth: usize,
    name: String,
) -> Result<Arc<Module>, RuntimeError> {
    let shown = display_name(&file);
    let text = match embedded {
        Some(source) => source.to_string(),
        None => {
            let _io = rt.watch.pending();
            let read_path = file.clone();
            let bytes = tokio::task::spawn_blocking(move || std::fs::read(&read_path))
                .await
                .map_err(|e| import_error(e.to_string()))?
                .map_err(|e| {
                    import_error(format!("cannot import '{shown}': {}", describe_io(&e)))
                })?;
            String::from_utf8(bytes).map_err(|_| {
                import_error(format!("cannot import '{shown}': it is not valid UTF-8"))
            })?
        }
    };
    let (module, body) = match compile(rt, &name, &file, &text, false) {
        Ok(pair) => pair,
        Err(diagnostics) => {
            rt.import_failures.lock().push(diagnostics);
            return Err(import_error(format!(
                "cannot import '{shown}': it has errors (shown above)"
            )));
        }
    };
    let mut fiber = Fiber::new(depth);
    fiber.import_chain = Some(ImportLink::new(file, chain));
    run_body(rt, &mut fiber, body, false).await?;
    Ok(module)
}

/// How a file is named in diagnostics: relative to the working directory
/// when it lies beneath it (as the user would type it), otherwise as given.
fn shown_path(path: &Path) -> String {
    if path.is_absolute() {
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
        if let Some(rel) = cwd
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        {
            return rel.display().to_string();
        }
    }
    path.display().to_string()
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Parses and compiles a file into a module (with its globals) and the
/// function that runs its top level. `name` is the module's `__name__`
/// (`__main__` for the program that was run).
pub fn compile(
    rt: &Rt,
    name: &str,
    path: &Path,
    text: &str,
    return_last: bool,
) -> Result<(Arc<Module>, Arc<Function>), PyroError> {
    let file = rt.sources.add(shown_path(path), text);
    let parsed = pyro_parser::parse_file(&file);
    if !parsed.errors.is_empty() {
        return Err(PyroError::Syntax(parsed.errors));
    }
    let hosts: Vec<&str> = rt.hosts.iter().map(|(n, _)| &**n).collect();
    let options = pyro_compiler::CompileOptions {
        predeclared: &hosts,
        return_last_expr: return_last,
    };
    let code = pyro_compiler::compile_module_with(&parsed.module, "<module>", &options)
        .map_err(PyroError::Compile)?;
    let path = if path.as_os_str().is_empty() {
        None
    } else {
        Some(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    };
    let module = Arc::new(Module::new(name, path, &code.global_names));
    for (host_name, value) in &rt.hosts {
        if let Some(&i) = module.global_index.get(host_name) {
            module.globals[i as usize].set(value.clone());
        }
    }
    if let Some(&i) = module.global_index.get(pyro_compiler::MODULE_NAME) {
        module.globals[i as usize].set(Value::str(name));
    }
    let body = Arc::new(Function::new(
        prepare(&code),
        Vec::new(),
        Vec::new(),
        module.clone(),
    ));
    Ok((module, body))
}

/// Runs a module's top level on `fiber`.
pub async fn run_body(
    rt: &Rt,
    fiber: &mut Fiber,
    body: Arc<Function>,
    main: bool,
) -> Result<Value, RuntimeError> {
    fiber.stack.push(Value::Function(body));
    match call::invoke(rt, fiber, 0, 0, None, OnReturn::Push)? {
        Invoked::Pushed if main => crate::fiber::drive_task(rt, fiber, 0).await,
        Invoked::Pushed => drive(rt, fiber).await,
        Invoked::Done => Ok(fiber.stack.pop().unwrap_or(Value::None)),
        Invoked::Suspend(wait) => wait.await,
    }
}
