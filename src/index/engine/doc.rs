//! The document of one note as the writer hands it to tantivy: every text in
//! one buffer, so the text of a group, indexed by its folded and by its
//! stemmed field, is held (and queued) once instead of twice.
//!
//! tantivy indexes any [`Document`] as it is (no copy into its own document
//! type); what it stores is read back as a `TantivyDocument`, the same bytes.

use tantivy::schema::Field;
use tantivy::schema::document::{Document, ReferenceValue, ReferenceValueLeaf, Value};

/// One note's fields and values, in the order they were added.
#[derive(Debug, Default)]
pub struct NoteDoc {
    text: String,
    values: Vec<(Field, Slot)>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    /// a text: its byte range in `text`
    Str(usize, usize),
    U64(u64),
    I64(i64),
}

impl NoteDoc {
    pub fn add_text(&mut self, field: Field, text: impl AsRef<str>) {
        let start = self.text.len();
        self.text.push_str(text.as_ref());
        self.values.push((field, Slot::Str(start, self.text.len())));
    }

    /// A text made of `parts`, one per line, as the value of each of
    /// `fields`; nothing when it is empty.
    pub fn add_lines_to<'p>(&mut self, fields: &[Field], parts: impl Iterator<Item = &'p str>) {
        let start = self.text.len();
        for p in parts {
            if self.text.len() > start {
                self.text.push('\n');
            }
            self.text.push_str(p);
        }
        let end = self.text.len();
        if end > start {
            for &f in fields {
                self.values.push((f, Slot::Str(start, end)));
            }
        }
    }

    pub fn add_u64(&mut self, field: Field, v: u64) {
        self.values.push((field, Slot::U64(v)));
    }

    pub fn add_i64(&mut self, field: Field, v: i64) {
        self.values.push((field, Slot::I64(v)));
    }

    fn leaf(&self, slot: Slot) -> Leaf<'_> {
        match slot {
            Slot::Str(a, b) => Leaf(ReferenceValueLeaf::Str(self.text.get(a..b).unwrap_or(""))),
            Slot::U64(v) => Leaf(ReferenceValueLeaf::U64(v)),
            Slot::I64(v) => Leaf(ReferenceValueLeaf::I64(v)),
        }
    }
}

/// A value of a [`NoteDoc`], borrowed from it.
#[derive(Debug, Clone)]
pub struct Leaf<'a>(ReferenceValueLeaf<'a>);

impl<'a> Value<'a> for Leaf<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(self.0.clone())
    }
}

/// The fields and values of a [`NoteDoc`], in order.
pub struct Values<'a> {
    doc: &'a NoteDoc,
    next: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = (Field, Leaf<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let &(field, slot) = self.doc.values.get(self.next)?;
        self.next += 1;
        Some((field, self.doc.leaf(slot)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.doc.values.len() - self.next;
        (left, Some(left))
    }
}

impl Document for NoteDoc {
    type Value<'a> = Leaf<'a>;
    type FieldsValuesIter<'a> = Values<'a>;

    fn iter_fields_and_values(&self) -> Values<'_> {
        Values { doc: self, next: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// What tantivy stores of a NoteDoc is what it stores of the same values
    /// in its own document type.
    #[test]
    fn stores_what_a_tantivy_document_of_the_same_values_stores() -> tantivy::Result<()> {
        let mut b = Schema::builder();
        let a = b.add_text_field("a", TEXT | STORED);
        let c = b.add_text_field("c", STRING | STORED);
        let n = b.add_u64_field("n", STORED);
        let i = b.add_i64_field("i", STORED);
        let index = Index::create_in_ram(b.build());
        let mut mine = NoteDoc::default();
        mine.add_text(c, "first");
        mine.add_lines_to(&[a, c], std::iter::once("shared words"));
        mine.add_lines_to(&[a], ["one", "two"].into_iter());
        mine.add_lines_to(&[a], std::iter::empty());
        mine.add_u64(n, 7);
        mine.add_i64(i, -3);
        let mut theirs = TantivyDocument::default();
        theirs.add_text(c, "first");
        theirs.add_text(a, "shared words");
        theirs.add_text(c, "shared words");
        theirs.add_text(a, "one\ntwo");
        theirs.add_u64(n, 7);
        theirs.add_i64(i, -3);
        let mut w = index.writer_with_num_threads::<NoteDoc>(1, 15_000_000)?;
        w.add_document(mine)?;
        w.commit()?;
        drop(w);
        let mut w2 = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        w2.add_document(theirs)?;
        w2.commit()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let docs: Vec<String> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(s, _)| {
                let d: TantivyDocument = searcher.doc(tantivy::DocAddress::new(s as u32, 0))?;
                Ok(d.to_json(&index.schema()))
            })
            .collect::<tantivy::Result<_>>()?;
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0], docs[1]);
        assert!(docs[0].contains("one\\ntwo"), "{}", docs[0]);
        Ok(())
    }
}
