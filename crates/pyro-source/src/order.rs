//! The primary label first.
//!
//! miette shows a diagnostic's labels in source order, one snippet per
//! group of nearby lines, and the first snippet's header names the
//! position. When a secondary label ("declared here") is far above the
//! primary one ("assignment here"), the report would open at the secondary
//! position. [`primary_first`] moves such labels into notes shown after the
//! main snippet, so the report opens where the problem is.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};

use crate::SourceMapView;

/// Lines between two labels beyond which miette shows them apart.
const APART: u32 = 3;

/// `diagnostic`, or a wrapper whose secondary labels that come before the
/// primary label and far from it are notes after it.
pub fn primary_first(
    diagnostic: Box<dyn Diagnostic + Send + Sync>,
    view: &SourceMapView,
) -> Box<dyn Diagnostic + Send + Sync> {
    if diagnostic.related().is_some_and(|mut r| r.next().is_some()) {
        return diagnostic;
    }
    let Some(labels) = diagnostic.labels() else {
        return diagnostic;
    };
    let labels: Vec<LabeledSpan> = labels.collect();
    let Some(primary) = labels.iter().find(|l| l.primary()) else {
        return diagnostic;
    };
    let place = |offset: usize| {
        let offset = u32::try_from(offset).ok()?;
        let file = view.file_at(offset)?;
        Some((file.id(), file.line_col(offset).line))
    };
    let Some((file, line)) = place(primary.offset()) else {
        return diagnostic;
    };
    let early = |l: &LabeledSpan| {
        !l.primary()
            && l.offset() < primary.offset()
            && place(l.offset()).is_none_or(|(f, at)| f != file || line - at > APART)
    };
    if !labels.iter().any(early) {
        return diagnostic;
    }
    let (notes, kept): (Vec<LabeledSpan>, Vec<LabeledSpan>) =
        labels.iter().cloned().partition(early);
    let notes = notes
        .into_iter()
        .map(|l| Note {
            message: l.label().unwrap_or("see here").to_string(),
            span: LabeledSpan::new_primary_with_span(None, *l.inner()),
        })
        .collect();
    Box::new(PrimaryFirst {
        inner: diagnostic,
        labels: kept,
        notes,
    })
}

struct PrimaryFirst {
    inner: Box<dyn Diagnostic + Send + Sync>,
    labels: Vec<LabeledSpan>,
    notes: Vec<Note>,
}

impl fmt::Debug for PrimaryFirst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for PrimaryFirst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for PrimaryFirst {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for PrimaryFirst {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.notes.iter().map(|n| n as &dyn Diagnostic)))
    }
}

/// A secondary label shown on its own, after the main snippet.
#[derive(Debug)]
struct Note {
    message: String,
    span: LabeledSpan,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note {}

impl Diagnostic for Note {
    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.span.clone())))
    }
}
