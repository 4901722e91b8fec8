//! Interned names. Attribute, method and field names are interned once (when
//! a module is loaded) so that lookups compare integers.

use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use parking_lot::RwLock;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Sym(pub u32);

struct Interner {
    ids: DashMap<Arc<str>, Sym>,
    names: RwLock<Vec<Arc<str>>>,
}

fn interner() -> &'static Interner {
    static INTERNER: OnceLock<Interner> = OnceLock::new();
    INTERNER.get_or_init(|| Interner {
        ids: DashMap::new(),
        names: RwLock::new(Vec::new()),
    })
}

impl Sym {
    pub fn intern(name: &str) -> Sym {
        let interner = interner();
        if let Some(sym) = interner.ids.get(name) {
            return *sym;
        }
        let mut names = interner.names.write();
        if let Some(sym) = interner.ids.get(name) {
            return *sym;
        }
        let sym = Sym(names.len() as u32);
        let name: Arc<str> = name.into();
        names.push(name.clone());
        interner.ids.insert(name, sym);
        sym
    }

    pub fn name(self) -> Arc<str> {
        interner()
            .names
            .read()
            .get(self.0 as usize)
            .cloned()
            .unwrap_or_else(|| "?".into())
    }
}

/// Names the VM looks up itself, interned on first use.
pub mod names {
    use super::Sym;
    use std::sync::OnceLock;

    macro_rules! well_known {
        ($($fn_name:ident = $text:literal;)*) => {
            $(
                pub fn $fn_name() -> Sym {
                    static SYM: OnceLock<Sym> = OnceLock::new();
                    *SYM.get_or_init(|| Sym::intern($text))
                }
            )*
        };
    }

    well_known! {
        init = "__init__";
        str_ = "__str__";
        repr = "__repr__";
        eq = "__eq__";
        hash = "__hash__";
        lt = "__lt__";
        le = "__le__";
        gt = "__gt__";
        ge = "__ge__";
        len = "__len__";
        iter = "__iter__";
        next = "__next__";
        getitem = "__getitem__";
        setitem = "__setitem__";
        contains = "__contains__";
        call = "__call__";
        add = "__add__";
        sub = "__sub__";
        mul = "__mul__";
        truediv = "__truediv__";
        mod_ = "__mod__";
        pow = "__pow__";
        and = "__and__";
        or = "__or__";
        xor = "__xor__";
        lshift = "__lshift__";
        rshift = "__rshift__";
        neg = "__neg__";
        pos = "__pos__";
        invert = "__invert__";
        class = "__class__";
        dunder_name = "__name__";
        setter = "setter";
        message = "message";
        cause = "cause";
        traceback = "traceback";
    }
}
