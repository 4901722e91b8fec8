//! Long source lines in diagnostics, shown in part.
//!
//! A diagnostic on a minified file or a generated 200 000-character line
//! would print the whole line (and underline most of it). Like rustc and
//! ruff, [`clip_long_lines`] shows such a line only around its labels, with
//! `…` where text was cut: it wraps the diagnostic so that miette renders it
//! from a small stand-in source holding the clipped lines, with the labels
//! moved to match, while line numbers and columns stay those of the file.
//! Diagnostics whose lines are all short are returned untouched.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, Severity, SourceCode, SourceSpan,
    SpanContents,
};

use crate::{SourceFile, SourceMapView};

/// A line longer than this many characters is shown in part.
pub const LONG_LINE: usize = 240;

/// Characters shown of a long line around one label, at least.
const WIDTH: usize = 160;

/// Characters kept before a label's start.
const BEFORE: usize = 60;

/// Characters of a label kept after its start, at most.
const LABEL: usize = 100;

/// Characters kept after a (kept part of a) label's end.
const AFTER: usize = 20;

/// Context lines miette shows around a label.
const CONTEXT: usize = 1;

const ELLIPSIS: &str = "…";

/// Shortens `text` to at most `max` characters for a message, keeping its
/// start and end around a `…` (a 100 000-character name in "undefined name
/// `…`" would otherwise fill the terminal).
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    let count = text.chars().count();
    if count <= max {
        return Cow::Borrowed(text);
    }
    let head = max.saturating_sub(1) * 2 / 3;
    let tail = max.saturating_sub(1) - head;
    let mut out: String = text.chars().take(head).collect();
    out.push_str(ELLIPSIS);
    out.extend(text.chars().skip(count - tail));
    Cow::Owned(out)
}

/// `diagnostic`, or, when a source line it would show is longer than
/// [`LONG_LINE`] characters, a wrapper that shows only the parts of the
/// long lines around its labels. Pass the result to miette without another
/// source attached: the wrapper brings its own.
pub fn clip_long_lines(
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
    match Clip::build(&labels, view) {
        Some(clip) => {
            let labels = labels.iter().map(|l| clip.map_label(l)).collect();
            Box::new(Relabelled {
                inner: diagnostic,
                labels,
                source: Some(clip.source),
                notes: Vec::new(),
            })
        }
        None => diagnostic,
    }
}

/// A label's place in its file: local byte offsets and 0-based lines.
struct Place {
    file: Arc<SourceFile>,
    lo: usize,
    hi: usize,
    first_line: usize,
    last_line: usize,
}

/// One shown line of the stand-in source.
struct Segment {
    file: Arc<SourceFile>,
    /// 0-based line in the file.
    line: usize,
    /// Where the line starts in the stand-in text.
    start: usize,
    /// Where its text ends (just before its `\n`).
    end: usize,
    /// The kept parts of the line.
    pieces: Vec<Piece>,
}

/// A kept part of a line: local byte offsets `lo..hi` of the file, written
/// at `at` in the stand-in text.
#[derive(Clone, Copy)]
struct Piece {
    lo: usize,
    hi: usize,
    at: usize,
}

/// A line miette will show, with the column ranges (in characters) that
/// labels cover on it (none for a context line).
struct ShownLine {
    file: Arc<SourceFile>,
    line: usize,
    covered: Vec<(usize, usize)>,
}

struct Clip {
    places: Vec<Place>,
    source: ClippedSource,
}

impl Clip {
    /// The stand-in source, or `None` when every shown line is short (or a
    /// label points outside the loaded files).
    fn build(labels: &[LabeledSpan], view: &SourceMapView) -> Option<Clip> {
        let mut places = Vec::with_capacity(labels.len());
        for label in labels {
            let file = view.file_at(label.offset() as u32)?.clone();
            let lo = label.offset() - file.base as usize;
            let hi = (lo + label.len()).min(file.text.len());
            let first_line = file.line_index(lo as u32);
            let last_line = file.line_index(hi.saturating_sub(1).max(lo) as u32);
            places.push(Place {
                file,
                lo,
                hi,
                first_line,
                last_line,
            });
        }
        let mut lines: Vec<ShownLine> = Vec::new();
        let mut any_long = false;
        for place in &places {
            let file = &place.file;
            let count = line_count(file);
            let top = place.first_line.saturating_sub(CONTEXT);
            // Past the last line only for a label at the very end.
            let bottom = (place.last_line + CONTEXT)
                .min(count.saturating_sub(1))
                .max(place.last_line);
            for line in top..=bottom {
                let (start, end) = line_bounds(file, line);
                any_long |= end - start > LONG_LINE
                    && file.chars_before(end) - file.chars_before(start) > LONG_LINE;
                let covered = (line >= place.first_line && line <= place.last_line).then(|| {
                    let a = place.lo.clamp(start, end);
                    let b = place.hi.clamp(start, end);
                    let col = |at: usize| file.chars_before(at) - file.chars_before(start);
                    (col(a), col(b))
                });
                lines.push(ShownLine {
                    file: file.clone(),
                    line,
                    covered: covered.into_iter().collect(),
                });
            }
        }
        if !any_long {
            return None;
        }
        lines.sort_by_key(|l| (l.file.id, l.line));
        let mut merged: Vec<ShownLine> = Vec::new();
        for shown in lines {
            match merged.last_mut() {
                Some(last) if last.file.id == shown.file.id && last.line == shown.line => {
                    last.covered.extend(shown.covered)
                }
                _ => merged.push(shown),
            }
        }
        // A context line is cut at the columns of the nearest covered line
        // of its file, so that it lines up with what the label points at.
        let windows: Vec<Vec<(usize, usize)>> =
            merged.iter().map(|l| windows(&l.covered)).collect();
        let mut source = ClippedSource {
            text: String::new(),
            segments: Vec::with_capacity(merged.len()),
        };
        for (i, shown) in merged.iter().enumerate() {
            let keep = if shown.covered.is_empty() {
                nearest_windows(&merged, &windows, i)
            } else {
                windows[i].clone()
            };
            source.push_line(&shown.file, shown.line, &keep);
        }
        Some(Clip { places, source })
    }

    fn map_label(&self, label: &LabeledSpan) -> LabeledSpan {
        let place = self
            .places
            .iter()
            .find(|p| p.file.base as usize + p.lo == label.offset());
        let (lo, hi) = match place {
            Some(p) => (
                self.source.map(&p.file, p.lo, false),
                self.source.map(&p.file, p.hi, true),
            ),
            None => (0, 0),
        };
        let span = SourceSpan::new(lo.into(), hi.saturating_sub(lo));
        let text = label.label().map(str::to_string);
        if label.primary() {
            LabeledSpan::new_primary_with_span(text, span)
        } else {
            LabeledSpan::new_with_span(text, span)
        }
    }
}

/// Local byte offsets of a 0-based line, without its line terminator.
fn line_bounds(file: &SourceFile, line: usize) -> (usize, usize) {
    let start = file.line_start(line);
    let end = file.line_start(line + 1);
    let text = &file.text[start..end];
    let trimmed = text.trim_end_matches(['\n', '\r']);
    (start, start + trimmed.len())
}

/// The column ranges to keep of a line whose labels cover `covered`
/// (empty: the whole line, cut later only if it is long).
fn windows(covered: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = covered
        .iter()
        .map(|&(a, b)| {
            let start = a.saturating_sub(BEFORE);
            let kept_end = b.min(a + LABEL).max(a + 1);
            (start, (kept_end + AFTER).max(start + WIDTH))
        })
        .collect();
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match merged.last_mut() {
            // Close windows join: a `…` standing for a few characters helps nobody.
            Some(last) if a <= last.1 + 8 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The windows of the covered line nearest to line `i` in the same file.
fn nearest_windows(
    lines: &[ShownLine],
    windows: &[Vec<(usize, usize)>],
    i: usize,
) -> Vec<(usize, usize)> {
    let id = lines[i].file.id;
    let mut best: Option<(usize, usize)> = None;
    for (j, shown) in lines.iter().enumerate() {
        if shown.file.id != id || shown.covered.is_empty() {
            continue;
        }
        let distance = shown.line.abs_diff(lines[i].line);
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, j));
        }
    }
    best.map_or_else(|| vec![(0, WIDTH)], |(_, j)| windows[j].clone())
}

/// Lines of a file as miette counts them (a final newline ends the last
/// line rather than starting an empty one).
fn line_count(file: &SourceFile) -> usize {
    let starts = file.line_starts.len();
    if starts > 1 && file.line_starts[starts - 1] as usize == file.text.len() {
        starts - 1
    } else {
        starts
    }
}

/// The text miette reads instead of the files: the shown lines, each cut to
/// its kept parts.
pub(crate) struct ClippedSource {
    text: String,
    segments: Vec<Segment>,
}

impl ClippedSource {
    /// Appends line `line` of `file`, keeping the column ranges `keep` when
    /// the line is long.
    fn push_line(&mut self, file: &Arc<SourceFile>, line: usize, keep: &[(usize, usize)]) {
        let (start, end) = line_bounds(file, line);
        let long = file.chars_before(end) - file.chars_before(start) > LONG_LINE;
        let ranges: Vec<(usize, usize)> = if long {
            keep.iter()
                .map(|&(a, b)| (byte_at(file, start, end, a), byte_at(file, start, end, b)))
                .filter(|(a, b)| a < b)
                .collect()
        } else {
            vec![(start, end)]
        };
        let seg_start = self.text.len();
        let mut pieces = Vec::with_capacity(ranges.len());
        let mut cursor = start;
        for (lo, hi) in ranges {
            if lo > cursor || (lo == cursor && !pieces.is_empty()) {
                self.text.push_str(ELLIPSIS);
            }
            pieces.push(Piece {
                lo,
                hi,
                at: self.text.len(),
            });
            self.text.push_str(&file.text[lo..hi]);
            cursor = hi;
        }
        if cursor < end || pieces.is_empty() && end > start {
            self.text.push_str(ELLIPSIS);
        }
        self.segments.push(Segment {
            file: file.clone(),
            line,
            start: seg_start,
            end: self.text.len(),
            pieces,
        });
        self.text.push('\n');
    }

    /// Where local offset `at` of `file` lands in the stand-in text (a cut
    /// position lands on the nearest kept character; `end` prefers the end
    /// of the piece before a cut to the start of the one after).
    fn map(&self, file: &SourceFile, at: usize, end: bool) -> usize {
        let line = file.line_index(at.min(file.text.len()) as u32);
        let key = (file.id, line);
        let i = self.segments.partition_point(|s| (s.file.id, s.line) < key);
        let Some(seg) = self.segments.get(i).filter(|s| (s.file.id, s.line) == key) else {
            // Past the last shown line (a span ending on the next line).
            return self.segments.get(i).map_or(self.text.len(), |s| s.start);
        };
        let mut fallback = seg.start;
        for p in &seg.pieces {
            if at < p.lo {
                return if end { fallback } else { p.at };
            }
            if at <= p.hi {
                return p.at + (at - p.lo);
            }
            fallback = p.at + (p.hi - p.lo);
        }
        if at > line_bounds(file, line).1 {
            // The line's terminator: just past the text.
            return seg.end;
        }
        fallback
    }

    /// The file offset (local) that stand-in offset `at` shows.
    fn unmap(&self, seg: &Segment, at: usize) -> usize {
        let mut last = file_line_start(seg);
        for p in &seg.pieces {
            if at < p.at {
                return p.lo;
            }
            if at <= p.at + (p.hi - p.lo) {
                return p.lo + (at - p.at);
            }
            last = p.hi;
        }
        last
    }

    fn segment_at(&self, at: usize) -> usize {
        self.segments
            .partition_point(|s| s.start <= at)
            .saturating_sub(1)
    }

    /// Whether segment `i + 1` shows the line right after segment `i`'s.
    fn continues(&self, i: usize) -> bool {
        match (self.segments.get(i), self.segments.get(i + 1)) {
            (Some(a), Some(b)) => a.file.id == b.file.id && b.line == a.line + 1,
            _ => false,
        }
    }
}

fn file_line_start(seg: &Segment) -> usize {
    seg.file.line_start(seg.line)
}

/// The byte offset of character column `col` of the line `start..end`.
fn byte_at(file: &SourceFile, start: usize, end: usize, col: usize) -> usize {
    file.text[start..end]
        .char_indices()
        .nth(col)
        .map_or(end, |(i, _)| start + i)
}

impl SourceCode for ClippedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let lo = span.offset();
        let hi = lo + span.len();
        if hi > self.text.len() || self.segments.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.segment_at(lo);
        let last = self.segment_at(hi.saturating_sub(1).max(lo));
        // Lines that are not neighbours in the file cannot share a snippet
        // (miette numbers a snippet's lines consecutively).
        if (first..last).any(|i| !self.continues(i)) {
            return Err(MietteError::OutOfBounds);
        }
        let mut top = first;
        while top > 0 && first - top < context_lines_before && self.continues(top - 1) {
            top -= 1;
        }
        let mut bottom = last;
        while bottom - last < context_lines_after && self.continues(bottom) {
            bottom += 1;
        }
        let (seg_top, seg_bottom) = (&self.segments[top], &self.segments[bottom]);
        let column = if context_lines_before == 0 {
            let seg = &self.segments[first];
            self.unmap(seg, lo) - file_line_start(seg)
        } else {
            0
        };
        let data = &self.text.as_bytes()[seg_top.start..=seg_bottom.end];
        Ok(Box::new(MietteSpanContents::new_named(
            seg_top.file.name.clone(),
            data,
            SourceSpan::new(seg_top.start.into(), data.len()),
            seg_top.line,
            column,
            seg_bottom.line + 1,
        )))
    }
}

impl fmt::Debug for ClippedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClippedSource")
            .field("lines", &self.segments.len())
            .finish()
    }
}

/// A diagnostic shown with other labels: through a [`ClippedSource`]
/// ([`clip_long_lines`]), or with some labels moved into notes after it
/// ([`crate::order::primary_first`]).
pub(crate) struct Relabelled {
    pub inner: Box<dyn Diagnostic + Send + Sync>,
    pub labels: Vec<LabeledSpan>,
    pub source: Option<ClippedSource>,
    pub notes: Vec<Note>,
}

impl fmt::Debug for Relabelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Relabelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Relabelled {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for Relabelled {
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
        match &self.source {
            Some(source) => Some(source),
            None => self.inner.source_code(),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.notes.is_empty() {
            return self.inner.related();
        }
        Some(Box::new(self.notes.iter().map(|n| n as &dyn Diagnostic)))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

/// A label shown on its own, after the diagnostic it belonged to.
#[derive(Debug)]
pub(crate) struct Note {
    pub message: String,
    pub span: LabeledSpan,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceMap, Span};

    /// A one-label diagnostic for the tests.
    #[derive(Debug)]
    struct Pointed {
        span: Span,
    }

    impl fmt::Display for Pointed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("something is wrong here")
        }
    }

    impl std::error::Error for Pointed {}

    impl Diagnostic for Pointed {
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(Some("here".into()), self.span),
            )))
        }
    }

    fn render(d: Box<dyn Diagnostic + Send + Sync>, map: &SourceMap) -> String {
        let clipped = clip_long_lines(d, &map.snapshot());
        let report = miette::Report::new_boxed(clipped);
        let report = if report.source_code().is_some() {
            report
        } else {
            report.with_source_code(map.snapshot())
        };
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, report.as_ref())
            .unwrap();
        out
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let map = SourceMap::new();
        let line = format!(
            "let x = [{}bad{}]\n",
            "1, ".repeat(50_000),
            ", 2".repeat(50_000)
        );
        let file = map.add("long.pyro", format!("let a = 1\n{line}let b = 2\n"));
        let at = file.base() + 10 + line.find("bad").unwrap() as u32;
        let out = render(
            Box::new(Pointed {
                span: Span::new(at, at + 3),
            }),
            &map,
        );
        assert!(out.len() < 2_000, "{out}");
        assert!(out.contains("[long.pyro:2:150010]"), "{out}");
        assert!(out.contains(" 2 │ …1, 1, 1,"), "{out}");
        assert!(out.contains("1, 1, bad, 2, 2, 2, 2, 2, 2,"), "{out}");
        assert!(out.contains(", 2, 2,…\n"), "{out}");
        assert!(out.contains(" 1 │ let a = 1"), "{out}");
        assert!(out.contains("here"), "{out}");
    }

    #[test]
    fn short_lines_are_left_alone() {
        let map = SourceMap::new();
        let file = map.add("short.pyro", "let a = 1\nlet b = oops\n");
        let at = file.base() + 18;
        let d: Box<dyn Diagnostic + Send + Sync> = Box::new(Pointed {
            span: Span::new(at, at + 4),
        });
        let clipped = clip_long_lines(d, &map.snapshot());
        assert!(clipped.source_code().is_none());
    }

    #[test]
    fn names_in_messages_are_shortened() {
        assert_eq!(shorten("short", 10), "short");
        let long = "x".repeat(1000);
        let s = shorten(&long, 40);
        assert_eq!(s.chars().count(), 40);
        assert!(s.contains('…'));
    }
}
