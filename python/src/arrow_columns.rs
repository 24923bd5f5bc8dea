//! Documents as Arrow columns: a record batch of texts in, one of documents
//! out (`id` passed through, then `doc_date`, lists of entity, time, triple
//! and diagnostic structs, and a per-row `error`). Types are the ones Spark
//! reads (strings, 64-bit integers, booleans, lists of structs).

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Int64Array, ListArray, StringArray, StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Fields, Schema};
use arrow::record_batch::RecordBatch;
use rayon::prelude::*;
use serde::Serialize;
use zhextract::{Document, Extractor, Reference, Span};

/// One struct field's value.
enum Val {
    Str(Option<String>),
    Int(i64),
    Bool(bool),
}

/// The name a serde enum is written with (`ORG`, `own_stake`, `date`).
fn name<T: Serialize>(x: &T) -> Option<String> {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

fn s(x: &str) -> Val {
    Val::Str(Some(x.to_string()))
}

/// A span's four offsets, in the order of `item_fields`.
fn span(sp: &Span) -> [Val; 4] {
    [
        Val::Int(sp.start as i64),
        Val::Int(sp.end as i64),
        Val::Int(sp.char_start as i64),
        Val::Int(sp.char_end as i64),
    ]
}

/// The struct fields of each list column, with their types.
fn item_fields(column: &str) -> Fields {
    let st = |n: &str, nullable: bool| Field::new(n, DataType::Utf8, nullable);
    let int = |n: &str| Field::new(n, DataType::Int64, false);
    let boolean = |n: &str| Field::new(n, DataType::Boolean, false);
    let spans = |prefix: &str| {
        ["start", "end", "char_start", "char_end"].map(|k| int(&format!("{prefix}{k}")))
    };
    let mut f: Vec<Field> = match column {
        "entities" => vec![
            st("text", false),
            st("normalized", false),
            st("canonical", false),
            st("type", false),
            st("source", false),
        ],
        "times" => vec![
            st("text", false),
            st("kind", false),
            st("value", true),
            st("grain", true),
            st("range_from", true),
            st("range_to", true),
            boolean("relative"),
            st("mod", true),
        ],
        "triples" => {
            let mut v = vec![
                st("subject", false),
                st("subject_canonical", false),
                st("subject_type", false),
            ];
            v.extend(spans("subject_"));
            v.extend([
                st("predicate", false),
                st("verb", false),
                st("object", false),
                st("object_canonical", false),
                st("object_type", false),
            ]);
            v.extend(spans("object_"));
            v.extend([
                st("value", true),
                boolean("negated"),
                boolean("hedged"),
                st("rule", false),
            ]);
            v.extend(spans("sentence_"));
            v
        }
        _ => vec![st("kind", false), st("message", false)],
    };
    if column != "triples" {
        f.extend(spans(""));
    }
    Fields::from(f)
}

/// The values of each item of `column`, in the order of `item_fields`.
fn rows_of(column: &str, doc: &Document) -> Vec<Vec<Val>> {
    match column {
        "entities" => doc
            .entities
            .iter()
            .map(|e| {
                let mut r = vec![
                    s(&e.text),
                    s(&e.normalized),
                    s(&e.canonical),
                    s(e.kind.as_str()),
                    s(&e.source),
                ];
                r.extend(span(&e.span));
                r
            })
            .collect(),
        "times" => doc
            .times
            .iter()
            .map(|t| {
                let mut r = vec![
                    s(&t.text),
                    s(t.kind.as_str()),
                    Val::Str(t.value.clone()),
                    Val::Str(t.grain.as_ref().and_then(name)),
                    Val::Str(t.range.map(|r| r.from.to_string())),
                    Val::Str(t.range.map(|r| r.to.to_string())),
                    Val::Bool(t.relative),
                    Val::Str(t.modifier.map(|m| m.as_str().to_string())),
                ];
                r.extend(span(&t.span));
                r
            })
            .collect(),
        "triples" => doc
            .triples
            .iter()
            .map(|t| {
                let mut r = vec![
                    s(&t.subject.text),
                    s(&t.subject.canonical),
                    s(t.subject.kind.as_str()),
                ];
                r.extend(span(&t.subject.span));
                r.extend([
                    s(&t.predicate.to_string()),
                    s(&t.verb),
                    s(&t.object.text),
                    s(&t.object.canonical),
                    s(t.object.kind.as_str()),
                ]);
                r.extend(span(&t.object.span));
                r.extend([
                    Val::Str(t.value.clone()),
                    Val::Bool(t.negated),
                    Val::Bool(t.hedged),
                    s(&t.rule),
                ]);
                r.extend(span(&t.sentence));
                r
            })
            .collect(),
        _ => doc
            .diagnostics
            .iter()
            .map(|d| {
                let mut r = vec![Val::Str(name(&d.kind)), s(&d.message)];
                r.extend(span(&d.span));
                r
            })
            .collect(),
    }
}

/// A list-of-structs column: one list per document (empty for a failed row).
fn list_column(column: &str, docs: &[Result<Document, String>]) -> Result<ArrayRef, String> {
    let fields = item_fields(column);
    let mut strs: Vec<Vec<Option<String>>> = vec![Vec::new(); fields.len()];
    let mut ints: Vec<Vec<i64>> = vec![Vec::new(); fields.len()];
    let mut bools: Vec<Vec<bool>> = vec![Vec::new(); fields.len()];
    let mut offsets = Vec::with_capacity(docs.len() + 1);
    offsets.push(0i32);
    let mut n = 0i32;
    for doc in docs {
        if let Ok(doc) = doc {
            for row in rows_of(column, doc) {
                for (i, v) in row.into_iter().enumerate() {
                    match v {
                        Val::Str(x) => strs[i].push(x),
                        Val::Int(x) => ints[i].push(x),
                        Val::Bool(x) => bools[i].push(x),
                    }
                }
                n = n.checked_add(1).ok_or("too many items for one batch")?;
            }
        }
        offsets.push(n);
    }
    let arrays: Vec<ArrayRef> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| -> ArrayRef {
            match f.data_type() {
                DataType::Int64 => Arc::new(Int64Array::from(std::mem::take(&mut ints[i]))),
                DataType::Boolean => Arc::new(BooleanArray::from(std::mem::take(&mut bools[i]))),
                _ => Arc::new(StringArray::from(std::mem::take(&mut strs[i]))),
            }
        })
        .collect();
    let items = StructArray::try_new(fields.clone(), arrays, None).map_err(|e| e.to_string())?;
    let list = ListArray::try_new(
        Arc::new(Field::new("item", DataType::Struct(fields), true)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(items),
        None,
    )
    .map_err(|e| e.to_string())?;
    Ok(Arc::new(list))
}

const LISTS: [&str; 4] = ["entities", "times", "triples", "diagnostics"];

/// The columns after `id`.
pub(crate) fn document_schema() -> Schema {
    let mut fields = vec![Field::new("doc_date", DataType::Utf8, true)];
    for c in LISTS {
        fields.push(Field::new(
            c,
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(item_fields(c)),
                true,
            ))),
            false,
        ));
    }
    fields.push(Field::new("error", DataType::Utf8, true));
    Schema::new(fields)
}

/// A column of `batch` as strings (utf8, large utf8, view, dictionary or
/// date types are cast).
fn strings(batch: &RecordBatch, name: &str) -> Result<Option<StringArray>, String> {
    let Some(col) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let cast = cast(col, &DataType::Utf8).map_err(|e| format!("column {name:?}: {e}"))?;
    cast.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .map(Some)
        .ok_or_else(|| format!("column {name:?} is not text"))
}

/// Extract every row of `batch` (in parallel) and return `id` and the
/// documents as columns.
pub(crate) fn extract_batch(ex: &Extractor, batch: &RecordBatch) -> Result<RecordBatch, String> {
    let id = batch
        .column_by_name("id")
        .ok_or("the batch has no column \"id\"")?
        .clone();
    let text = strings(batch, "text")?.ok_or("the batch has no column \"text\"")?;
    let dates = strings(batch, "doc_date")?;
    let docs: Vec<Result<Document, String>> = (0..batch.num_rows())
        .into_par_iter()
        .map(|i| {
            if text.is_null(i) {
                return Err("text is null".to_string());
            }
            let date = match &dates {
                Some(d) if d.is_valid(i) => {
                    Some(d.value(i).parse::<Reference>().map_err(|e| e.to_string())?)
                }
                _ => None,
            };
            ex.extract_at(text.value(i), date)
                .map_err(|e| e.to_string())
        })
        .collect();

    let id_field = batch
        .schema()
        .field_with_name("id")
        .map_err(|e| e.to_string())?
        .clone();
    let mut fields = vec![Arc::new(id_field)];
    fields.extend(document_schema().fields().iter().cloned());
    let mut columns: Vec<ArrayRef> = vec![id];
    columns.push(Arc::new(StringArray::from(
        docs.iter()
            .map(|d| {
                d.as_ref()
                    .ok()
                    .and_then(|d| d.doc_date)
                    .map(|x| x.to_string())
            })
            .collect::<Vec<_>>(),
    )));
    for c in LISTS {
        columns.push(list_column(c, &docs)?);
    }
    columns.push(Arc::new(StringArray::from(
        docs.iter()
            .map(|d| d.as_ref().err().cloned())
            .collect::<Vec<_>>(),
    )));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
}
