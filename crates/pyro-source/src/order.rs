//! The primary label first.
//!
//! miette shows a diagnostic's labels in source order, one snippet per
//! group of nearby lines, and the first snippet's header names the
//! position. When a secondary label ("declared here") is far above the
//! primary one ("assignment here"), the report would open at the secondary
//! position. [`primary_first`] moves such labels into notes shown after the
//! main snippet, so the report opens where the problem is.

use miette::{Diagnostic, LabeledSpan};

use crate::clip::{Note, Relabelled};
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
    Box::new(Relabelled {
        inner: diagnostic,
        labels: kept,
        source: None,
        notes,
    })
}
