//! Whole programs for the `programs` target: the sequential builder's code
//! mixed with hostile and concurrent parts that only Pyro has — pipelines
//! of tasks and channels, `select` loops, task groups and combinators,
//! recursion through natives, cyclic and very deep values, extreme
//! arguments to natives, cause chains — and, sometimes, a final part built
//! to deadlock, which the program then must report as `DeadlockError`.
//!
//! Where a part knows its answer (the sum a pipeline must deliver), it
//! prints [`INVARIANT_BROKEN`] when the answer is wrong, which the target
//! counts as a failure (a message lost or delivered twice).

use super::ast::*;
use super::build::{Builder, Flavor};
use crate::rng::Rng;

/// Printed by a generated program when a result it can check is wrong.
pub const INVARIANT_BROKEN: &str = "FUZZ-INVARIANT-BROKEN";

/// Printed right before the part built to deadlock (an uncaught error
/// earlier in the program ends it before the deadlock, which is fine).
pub const DEADLOCK_NEXT: &str = "FUZZ-DEADLOCK-NEXT";

const BIG_INTS: &[i64] = &[
    i64::MAX,
    i64::MIN,
    1 << 62,
    1 << 32,
    (1 << 32) - 1,
    -1,
    0,
    1_000_000_000_000_000_000,
    10_000_000,
    -(1 << 40),
];

const BIG_FLOATS: &[f64] = &[
    1e300,
    -1e300,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e-300,
    -1.0,
    9.223_372_036_854_776e18,
    1e19,
];

/// A complete `programs` input.
pub fn program(rng: &mut Rng) -> Program {
    let mut body: Vec<Stmt> = ["task", "time", "math", "sync", "json", "random"]
        .iter()
        .map(|m| Stmt::Import(m.to_string()))
        .collect();
    let statements = rng.range(2, 14) as usize;
    body.extend(Builder::new(rng, Flavor::Hostile).module(statements));
    let deadlock = rng.one_in(8);
    let mut parts = Scenarios { rng, next: 0 };
    for _ in 0..parts.rng.range(1, 3) {
        let part = parts.part(!deadlock);
        body.extend(part);
    }
    if deadlock {
        body.push(print(vec![string(DEADLOCK_NEXT)]));
        body.extend(parts.deadlock());
    } else if parts.rng.one_in(12) {
        body.extend(parts.uncaught_cause_cycle());
    }
    Program {
        body,
        expects_deadlock: deadlock,
    }
}

struct Scenarios<'r> {
    rng: &'r mut Rng,
    next: usize,
}

impl Scenarios<'_> {
    /// A fresh name with a scenario prefix (the builder's names have none).
    fn name(&mut self, what: &str) -> String {
        self.next += 1;
        format!("s{}_{what}", self.next)
    }

    fn part(&mut self, timers: bool) -> Vec<Stmt> {
        match self.rng.below(9) {
            0 => self.pipeline(),
            1 if timers => self.select_loop(),
            2 => self.group(),
            3 => self.combinators(timers),
            4 => self.native_recursion(),
            5 => self.cyclic(),
            6 => self.deep_chain(),
            7 if timers => self.extreme(),
            _ => self.cause_chains(),
        }
    }

    /// `p` producers push `n` numbers each into one channel; `c` consumers
    /// sum what they receive; the total is checked.
    fn pipeline(&mut self) -> Vec<Stmt> {
        let producers = self.rng.range(1, 4);
        let consumers = self.rng.range(1, 4);
        let n = *self.rng.pick(&[0, 1, 10, 100, 1000]);
        let cap = *self.rng.pick(&[0, 1, 2, 16, 1024]);
        let (produce, consume, run) =
            (self.name("produce"), self.name("consume"), self.name("run"));
        let expected: i64 = (0..producers)
            .map(|p| (0..n).map(|i| p * 1000 + i).sum::<i64>())
            .sum();
        vec![
            def(
                &produce,
                &["ch", "start", "n"],
                vec![for_(
                    "i",
                    func("range", vec![var("n")]),
                    vec![Stmt::Expr(method(
                        var("ch"),
                        "push",
                        vec![bin(BinOp::Add, var("start"), var("i"))],
                    ))],
                )],
            ),
            def(
                &consume,
                &["ch", "out"],
                vec![
                    let_("total", int(0)),
                    for_(
                        "x",
                        var("ch"),
                        vec![Stmt::AugAssign(var("total"), BinOp::Add, var("x"))],
                    ),
                    Stmt::Expr(method(var("out"), "push", vec![var("total")])),
                ],
            ),
            def(
                &run,
                &[],
                vec![
                    let_("ch", func("chan", vec![int(cap)])),
                    let_("out", func("chan", vec![int(consumers)])),
                    let_(
                        "tasks",
                        Expr::ListComp(
                            Box::new(go(func(
                                &produce,
                                vec![var("ch"), bin(BinOp::Mul, var("p"), int(1000)), int(n)],
                            ))),
                            vec!["p".into()],
                            Box::new(func("range", vec![int(producers)])),
                            None,
                        ),
                    ),
                    for_(
                        "c",
                        func("range", vec![int(consumers)]),
                        vec![Stmt::Expr(go(func(&consume, vec![var("ch"), var("out")])))],
                    ),
                    for_(
                        "t",
                        var("tasks"),
                        vec![Stmt::Expr(method(var("t"), "join", vec![]))],
                    ),
                    Stmt::Expr(method(var("ch"), "close", vec![])),
                    let_("total", int(0)),
                    for_(
                        "c",
                        func("range", vec![int(consumers)]),
                        vec![Stmt::AugAssign(
                            var("total"),
                            BinOp::Add,
                            method(var("out"), "collect", vec![]),
                        )],
                    ),
                    if_(
                        cmp(CmpOp::Ne, var("total"), int(expected)),
                        vec![print(vec![
                            string(INVARIANT_BROKEN),
                            string("pipeline"),
                            var("total"),
                            int(expected),
                        ])],
                        Vec::new(),
                    ),
                    print(vec![string("pipeline"), var("total")]),
                ],
            ),
            Stmt::Expr(func(&run, vec![])),
        ]
    }

    /// Two fed channels drained through `select` with a timer case.
    fn select_loop(&mut self) -> Vec<Stmt> {
        let (feed, run) = (self.name("feed"), self.name("run"));
        let (na, nb) = (self.rng.range(0, 50), self.rng.range(0, 50));
        let (ca, cb) = (*self.rng.pick(&[0, 1, 8]), *self.rng.pick(&[0, 1, 8]));
        let expected = (0..na).sum::<i64>() + (0..nb).sum::<i64>();
        let recv = |flag: &str, value: &str, ok: &str, chan: &str| {
            (
                SelectCase::Recv(value.into(), Some(ok.into()), var(chan)),
                vec![if_(
                    var(ok),
                    vec![Stmt::AugAssign(var("got"), BinOp::Add, var(value))],
                    vec![assign(var(flag), Expr::Bool(false))],
                )],
            )
        };
        vec![
            def(
                &feed,
                &["ch", "n"],
                vec![
                    for_(
                        "i",
                        func("range", vec![var("n")]),
                        vec![Stmt::Expr(method(var("ch"), "push", vec![var("i")]))],
                    ),
                    Stmt::Expr(method(var("ch"), "close", vec![])),
                ],
            ),
            def(
                &run,
                &[],
                vec![
                    let_("a", func("chan", vec![int(ca)])),
                    let_("b", func("chan", vec![int(cb)])),
                    Stmt::Expr(go(func(&feed, vec![var("a"), int(na)]))),
                    Stmt::Expr(go(func(&feed, vec![var("b"), int(nb)]))),
                    let_("got", int(0)),
                    let_("open_a", Expr::Bool(true)),
                    let_("open_b", Expr::Bool(true)),
                    let_("rounds", int(0)),
                    Stmt::While(
                        Expr::And(
                            Box::new(Expr::Or(Box::new(var("open_a")), Box::new(var("open_b")))),
                            Box::new(cmp(CmpOp::Lt, var("rounds"), int(100_000))),
                        ),
                        vec![
                            Stmt::AugAssign(var("rounds"), BinOp::Add, int(1)),
                            Stmt::Select(
                                vec![
                                    recv("open_a", "x", "ok", "a"),
                                    recv("open_b", "y", "ok2", "b"),
                                    (
                                        SelectCase::After(Expr::Float(5.0)),
                                        vec![print(vec![string("tick")])],
                                    ),
                                ],
                                None,
                            ),
                        ],
                    ),
                    if_(
                        cmp(CmpOp::Ne, var("got"), int(expected)),
                        vec![print(vec![
                            string(INVARIANT_BROKEN),
                            string("select"),
                            var("got"),
                            int(expected),
                        ])],
                        Vec::new(),
                    ),
                    print(vec![string("select"), var("got")]),
                ],
            ),
            Stmt::Expr(func(&run, vec![])),
        ]
    }

    /// A task group whose members may fail.
    fn group(&mut self) -> Vec<Stmt> {
        let work = self.name("work");
        let n = self.rng.range(0, 20);
        let bad = self.rng.range(-1, n + 1);
        vec![
            def(
                &work,
                &["i", "out"],
                vec![
                    if_(
                        cmp(CmpOp::Eq, var("i"), int(bad)),
                        vec![Stmt::Raise {
                            error: func("ValueError", vec![string("bad")]),
                            cause: None,
                        }],
                        Vec::new(),
                    ),
                    Stmt::Expr(method(
                        var("out"),
                        "push",
                        vec![bin(BinOp::Mul, var("i"), var("i"))],
                    )),
                ],
            ),
            guarded(
                vec![
                    let_("out", func("chan", vec![int(n + 1)])),
                    Stmt::With(
                        method(var("task"), "group", vec![]),
                        Some("g".into()),
                        vec![for_(
                            "i",
                            func("range", vec![int(n)]),
                            vec![Stmt::Expr(method(
                                var("g"),
                                "go",
                                vec![var(&work), var("i"), var("out")],
                            ))],
                        )],
                    ),
                    print(vec![string("group"), method(var("out"), "len", vec![])]),
                ],
                "group error",
            ),
        ]
    }

    /// `parallel_map`, `gather`, `race`, `timeout`.
    fn combinators(&mut self, timers: bool) -> Vec<Stmt> {
        let n = self.rng.range(0, 30);
        let workers = *self.rng.pick(&[1, 2, 4, 100]);
        let expected: i64 = (0..n).map(|x| x * 3).sum();
        let mut out = vec![guarded(
            vec![
                let_(
                    "r",
                    call_kw(
                        attr(var("task"), "parallel_map"),
                        vec![
                            lambda(&["x"], bin(BinOp::Mul, var("x"), int(3))),
                            func("range", vec![int(n)]),
                        ],
                        vec![("workers", int(workers))],
                    ),
                ),
                if_(
                    cmp(CmpOp::Ne, func("sum", vec![var("r")]), int(expected)),
                    vec![print(vec![
                        string(INVARIANT_BROKEN),
                        string("parallel_map"),
                        var("r"),
                    ])],
                    Vec::new(),
                ),
                print(vec![
                    string("gather"),
                    method(
                        var("task"),
                        "gather",
                        vec![
                            go(func("abs", vec![int(-1)])),
                            go(func("len", vec![string("ab")])),
                        ],
                    ),
                ]),
                print(vec![
                    string("race"),
                    func(
                        "type",
                        vec![method(
                            var("task"),
                            "race",
                            vec![lambda(&[], int(1)), lambda(&[], int(2))],
                        )],
                    ),
                ]),
            ],
            "combinator error",
        )];
        if timers {
            let pause = *self.rng.pick(&[0.0, 0.001, 10.0]);
            out.push(guarded(
                vec![print(vec![
                    string("timeout"),
                    method(
                        var("task"),
                        "timeout",
                        vec![
                            Expr::Float(0.02),
                            lambda(&[], method(var("time"), "sleep", vec![Expr::Float(pause)])),
                        ],
                    ),
                ])],
                "timeout error",
            ));
        }
        out
    }

    /// Recursion that passes through a native: `str` of a `__str__` that
    /// calls `str`, a key function that sorts, `map` inside `map`.
    fn native_recursion(&mut self) -> Vec<Stmt> {
        let depth = *self.rng.pick(&[10, 500, 1000, 2000, 5000, 20000]);
        let (class, build, k) = (self.name("Node"), self.name("chain"), self.name("k"));
        let next = attr(var("self"), "nxt");
        let recurse = match self.rng.below(3) {
            0 => conv(Conv::Str, next.clone()),
            1 => Expr::FStr(vec![FPart::Field(next.clone(), None)]),
            _ => conv(Conv::Repr, next.clone()),
        };
        let dunder = self.rng.word(&["__str__", "__repr__"]);
        let leaf_check = if_(
            cmp(CmpOp::Is, next.clone(), Expr::None),
            vec![ret(string("."))],
            Vec::new(),
        );
        let through = match self.rng.below(4) {
            0 => func("sorted", vec![Expr::List(vec![var("n")])]),
            1 => func(
                "list",
                vec![func(
                    "map",
                    vec![
                        lambda(&["x"], func(&k, vec![bin(BinOp::Sub, var("x"), int(1))])),
                        Expr::List(vec![var("n")]),
                    ],
                )],
            ),
            2 => Expr::List(vec![func(
                "max",
                vec![func(
                    "map",
                    vec![
                        lambda(&["x"], func(&k, vec![bin(BinOp::Sub, var("x"), int(1))])),
                        Expr::List(vec![var("n")]),
                    ],
                )],
            )]),
            _ => func(
                "list",
                vec![func(
                    "filter",
                    vec![
                        lambda(&["x"], func(&k, vec![bin(BinOp::Sub, var("x"), int(1))])),
                        Expr::List(vec![var("n")]),
                    ],
                )],
            ),
        };
        let keyed = if matches!(through, Expr::Call(ref c, _, _) if matches!(**c, Expr::Var(ref s) if s == "sorted"))
        {
            call_kw(
                var("sorted"),
                vec![Expr::List(vec![var("n")])],
                vec![(
                    "key",
                    lambda(&["x"], func(&k, vec![bin(BinOp::Sub, var("x"), int(1))])),
                )],
            )
        } else {
            through
        };
        vec![
            Stmt::Class(ClassDef {
                name: class.clone(),
                base: None,
                methods: vec![
                    FuncDef {
                        name: "__init__".into(),
                        params: vec![param("self"), param("nxt")],
                        body: vec![assign(attr(var("self"), "nxt"), var("nxt"))],
                    },
                    FuncDef {
                        name: dunder.into(),
                        params: vec![param("self")],
                        body: vec![
                            leaf_check,
                            ret(bin(
                                BinOp::Add,
                                string("("),
                                bin(BinOp::Add, recurse, string(")")),
                            )),
                        ],
                    },
                ],
            }),
            def(
                &build,
                &["n"],
                vec![
                    let_("node", Expr::None),
                    for_(
                        "i",
                        func("range", vec![var("n")]),
                        vec![assign(var("node"), func(&class, vec![var("node")]))],
                    ),
                    ret(var("node")),
                ],
            ),
            guarded(
                vec![print(vec![
                    string("nodes"),
                    func(
                        "len",
                        vec![conv(
                            if dunder == "__str__" {
                                Conv::Str
                            } else {
                                Conv::Repr
                            },
                            func(&build, vec![int(depth)]),
                        )],
                    ),
                ])],
                "native recursion",
            ),
            def(
                &k,
                &["n"],
                vec![
                    if_(
                        cmp(CmpOp::Le, var("n"), int(0)),
                        vec![ret(int(0))],
                        Vec::new(),
                    ),
                    ret(func("len", vec![keyed])),
                ],
            ),
            guarded(
                vec![print(vec![string("keyed"), func(&k, vec![int(depth)])])],
                "native recursion",
            ),
        ]
    }

    /// Values that contain themselves, compared, printed and serialised.
    fn cyclic(&mut self) -> Vec<Stmt> {
        let (a, b, d) = (self.name("a"), self.name("b"), self.name("d"));
        let mut out = vec![
            let_(&a, conv(Conv::ListMut, Expr::List(vec![int(1)]))),
            Stmt::Expr(method(var(&a), "append", vec![var(&a)])),
            let_(&b, conv(Conv::ListMut, Expr::List(vec![int(1)]))),
            Stmt::Expr(method(
                var(&b),
                "append",
                vec![if self.rng.chance(50) {
                    var(&b)
                } else {
                    var(&a)
                }],
            )),
            let_(&d, conv(Conv::DictMut, Expr::Dict(vec![]))),
            assign(index(var(&d), string("k")), var(&d)),
        ];
        let ops: Vec<Expr> = vec![
            var(&a),
            var(&d),
            conv(Conv::Repr, var(&b)),
            func("len", vec![conv(Conv::Str, var(&a))]),
            cmp(CmpOp::Eq, var(&a), var(&a)),
            cmp(CmpOp::Eq, var(&a), var(&b)),
            cmp(CmpOp::Lt, var(&a), var(&b)),
            cmp(CmpOp::In, int(2), var(&a)),
            cmp(CmpOp::In, var(&b), var(&a)),
            func("sorted", vec![Expr::List(vec![var(&a), var(&b)])]),
            func("hash", vec![Expr::Tuple(vec![var(&a)])]),
            method(var("json"), "stringify", vec![var(&d)]),
            func("list", vec![var(&a)]),
            cmp(CmpOp::Eq, var(&d), conv(Conv::DictMut, var(&d))),
        ];
        for _ in 0..self.rng.range(1, 4) {
            let op = self.rng.pick(&ops).clone();
            out.push(guarded(
                vec![print(vec![string("cyclic"), op])],
                "cyclic error",
            ));
        }
        out
    }

    /// A chain nested a million deep (a cons list as people write it),
    /// used, then freed.
    fn deep_chain(&mut self) -> Vec<Stmt> {
        let n = *self.rng.pick(&[1000, 10_000, 100_000, 1_000_000]);
        let h = self.name("h");
        let link = match self.rng.below(4) {
            0 => Expr::Tuple(vec![var(&h), var("i")]),
            1 => Expr::Dict(vec![(string("n"), var(&h))]),
            2 => Expr::List(vec![var(&h)]),
            _ => conv(Conv::ListMut, Expr::List(vec![var(&h)])),
        };
        let use_it = match self.rng.below(5) {
            0 => func("len", vec![conv(Conv::Str, var(&h))]),
            1 => cmp(CmpOp::Eq, var(&h), var(&h)),
            2 => func("hash", vec![var(&h)]),
            3 => method(var("json"), "stringify", vec![var(&h)]),
            _ => func("len", vec![var(&h)]),
        };
        vec![
            let_(&h, Expr::None),
            for_(
                "i",
                func("range", vec![int(n)]),
                vec![assign(var(&h), link)],
            ),
            guarded(vec![print(vec![string("deep"), use_it])], "deep error"),
            assign(var(&h), Expr::None),
            print(vec![string("freed")]),
        ]
    }

    /// Natives called with sizes and numbers at the edges of their range.
    fn extreme(&mut self) -> Vec<Stmt> {
        let mut out = Vec::new();
        for _ in 0..self.rng.range(1, 4) {
            let v = int(*self.rng.pick(BIG_INTS));
            let w = int(*self.rng.pick(BIG_INTS));
            let f = Expr::Float(*self.rng.pick(BIG_FLOATS));
            let pad = self.rng.word(&["rjust", "ljust", "center", "zfill"]);
            let stmt = match self.rng.below(24) {
                0 => print(vec![method(string("x"), pad, vec![v])]),
                1 => print(vec![func("len", vec![bin(BinOp::Mul, string("ab"), v)])]),
                2 => print(vec![func(
                    "len",
                    vec![bin(BinOp::Mul, Expr::List(vec![int(0)]), v)],
                )]),
                3 => print(vec![func("len", vec![func("range", vec![v, w])])]),
                4 => print(vec![func(
                    "next",
                    vec![func(
                        "iter",
                        vec![func("reversed", vec![func("range", vec![int(0), v])])],
                    )],
                )]),
                5 => print(vec![func(
                    "list",
                    vec![func("enumerate", vec![Expr::List(vec![int(1), int(2)]), v])],
                )]),
                6 => print(vec![Expr::Slice(
                    Box::new(func("range", vec![v, w])),
                    Some(Box::new(int(1))),
                    Some(Box::new(int(3))),
                    None,
                )]),
                7 => print(vec![func(self.rng.word(&["round", "int"]), vec![f])]),
                8 => print(vec![method(
                    var("math"),
                    self.rng.word(&["ceil", "floor", "sqrt", "exp", "log"]),
                    vec![f],
                )]),
                9 => print(vec![method(var("math"), "factorial", vec![v])]),
                10 => print(vec![bin(
                    *self.rng.pick(&[
                        BinOp::Pow,
                        BinOp::Mul,
                        BinOp::Shl,
                        BinOp::Mod,
                        BinOp::FloorDiv,
                        BinOp::Sub,
                    ]),
                    v,
                    w,
                )]),
                11 => print(vec![func("abs", vec![v]), Expr::Neg(Box::new(w))]),
                12 => print(vec![func("divmod", vec![v, w])]),
                13 => print(vec![method(
                    var("task"),
                    "timeout",
                    vec![
                        Expr::Float(0.02),
                        lambda(&[], method(var("time"), "sleep", vec![f])),
                    ],
                )]),
                14 => Stmt::Select(
                    vec![(SelectCase::After(f), vec![print(vec![string("fired")])])],
                    Some(vec![print(vec![string("not ready")])]),
                ),
                15 => print(vec![func("chan", vec![v])]),
                16 => print(vec![method(var("random"), "randint", vec![v, w])]),
                17 => print(vec![method(string("a,b,c"), "split", vec![string(","), v])]),
                18 => print(vec![func(
                    "len",
                    vec![func("list", vec![func("zip", vec![])])],
                )]),
                19 => print(vec![func(
                    "len",
                    vec![func(
                        self.rng.word(&["tuple", "sorted", "list", "set"]),
                        vec![func("range", vec![v])],
                    )],
                )]),
                20 => print(vec![method(
                    var("json"),
                    "stringify",
                    vec![Expr::List(vec![int(1)]), v],
                )]),
                21 => print(vec![Expr::FStr(vec![FPart::Field(
                    int(1),
                    Some(format!(">{}", self.rng.pick(&[10, 100_000_000, i64::MAX]))),
                )])]),
                22 => print(vec![Expr::Slice(
                    Box::new(string("abcdef")),
                    Some(Box::new(v)),
                    Some(Box::new(w)),
                    Some(Box::new(int(*self.rng.pick(&[i64::MIN, -1, 2, i64::MAX])))),
                )]),
                _ => print(vec![method(
                    var("random"),
                    "uniform",
                    vec![f, Expr::Float(*self.rng.pick(BIG_FLOATS))],
                )]),
            };
            out.push(guarded(vec![stmt], "extreme"));
        }
        out
    }

    /// Errors whose causes point at themselves or at each other, caught.
    fn cause_chains(&mut self) -> Vec<Stmt> {
        let (a, b) = (self.name("a"), self.name("b"));
        vec![
            let_(&a, func("ValueError", vec![string("a")])),
            let_(&b, func("KeyError", vec![string("b")])),
            guarded(
                vec![Stmt::Raise {
                    error: var(&a),
                    cause: Some(var(&b)),
                }],
                "chain",
            ),
            guarded(
                vec![Stmt::Raise {
                    error: var(&b),
                    cause: Some(var(&a)),
                }],
                "chain",
            ),
            guarded(
                vec![Stmt::Raise {
                    error: var(&a),
                    cause: Some(var(&a)),
                }],
                "chain",
            ),
            guarded(
                vec![print(vec![
                    string("cause"),
                    conv(Conv::TypeName, conv(Conv::Cause, var(&a))),
                ])],
                "chain",
            ),
        ]
    }

    /// The last part of some programs: an uncaught error whose cause chain
    /// is a cycle (its traceback must still render).
    fn uncaught_cause_cycle(&mut self) -> Vec<Stmt> {
        let mut out = self.cause_chains();
        let a = format!("s{}_a", self.next - 1);
        out.push(Stmt::Raise {
            error: var(&a),
            cause: None,
        });
        out
    }

    /// The last part of a program built to deadlock.
    fn deadlock(&mut self) -> Vec<Stmt> {
        let c = self.name("c");
        let (c1, c2, w) = (self.name("c"), self.name("c"), self.name("wait"));
        match self.rng.below(6) {
            0 => vec![
                let_(&c, func("chan", vec![int(0)])),
                Stmt::Expr(method(var(&c), "collect", vec![])),
            ],
            1 => vec![
                let_(&c, func("chan", vec![int(1)])),
                Stmt::Expr(method(var(&c), "push", vec![int(1)])),
                Stmt::Expr(method(var(&c), "push", vec![int(2)])),
            ],
            2 => vec![
                def(
                    &w,
                    &["a", "b"],
                    vec![
                        Stmt::Expr(method(var("a"), "collect", vec![])),
                        Stmt::Expr(method(var("b"), "push", vec![int(1)])),
                    ],
                ),
                let_(&c1, func("chan", vec![int(0)])),
                let_(&c2, func("chan", vec![int(0)])),
                let_("t1", go(func(&w, vec![var(&c1), var(&c2)]))),
                let_("t2", go(func(&w, vec![var(&c2), var(&c1)]))),
                Stmt::Expr(method(var("t1"), "join", vec![])),
            ],
            3 => vec![
                let_(&c, func("chan", vec![int(0)])),
                let_("t", go(method(var(&c), "collect", vec![]))),
                Stmt::Expr(method(var("t"), "join", vec![])),
            ],
            4 => vec![
                let_(&c, method(var("sync"), "Mutex", vec![])),
                Stmt::Expr(method(var(&c), "lock", vec![])),
                Stmt::Expr(method(var(&c), "lock", vec![])),
            ],
            _ => vec![
                let_(&c, method(var("sync"), "WaitGroup", vec![])),
                Stmt::Expr(method(var(&c), "add", vec![int(1)])),
                Stmt::Expr(method(var(&c), "wait", vec![])),
            ],
        }
    }
}

fn param(name: &str) -> Param {
    Param {
        name: name.to_string(),
        default: None,
    }
}
