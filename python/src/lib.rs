//! Python bindings of zhextract: `Extractor` (built once, shared across
//! threads, the GIL released while it works), `extract`, `extract_batch`
//! (parallel inside, with rayon) and `extract_arrow` (a pyarrow
//! `RecordBatch` in, one out, through the Arrow C data interface: no
//! per-row JSON).
//!
//! The Python package `zhextract` (python/python/zhextract) re-exports
//! this module, `zhextract._zhextract`.

#![forbid(unsafe_code)]

mod arrow_columns;

use std::sync::{Arc, OnceLock};

use arrow::pyarrow::PyArrowType;
use arrow::record_batch::RecordBatch;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;
use zhextract::{Document, Reference, TimeBias};

/// A typed zhextract error as the Python exception a caller expects: bad
/// input and bad files are `ValueError`, the rest `RuntimeError`.
fn py_err(e: zhextract::Error) -> PyErr {
    use zhextract::Error as E;
    match e {
        E::InvalidDate { .. }
        | E::InputTooLarge { .. }
        | E::InvalidUtf8 { .. }
        | E::Rules { .. }
        | E::Lexicon { .. }
        | E::Dictionary { .. }
        | E::Model { .. } => PyValueError::new_err(e.to_string()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

fn parse_date(s: &str) -> PyResult<Reference> {
    s.parse::<Reference>().map_err(py_err)
}

/// Options shared by `Extractor(...)` and the keyword arguments of `extract`.
struct Options {
    time_bias: TimeBias,
    doc_date: Option<Reference>,
    include_tokens: bool,
    include_simplified: bool,
    rules: Vec<String>,
    lexicons: Vec<String>,
    word_lists: Vec<String>,
    relation_model: bool,
}

impl Options {
    fn build(&self) -> PyResult<zhextract::Extractor> {
        let mut b = zhextract::Extractor::builder()
            .time_bias(self.time_bias)
            .include_tokens(self.include_tokens)
            .include_simplified(self.include_simplified)
            .relation_model(self.relation_model);
        if let Some(r) = self.doc_date {
            b = b.reference(r);
        }
        for f in &self.rules {
            b = b.rules_file(f);
        }
        for f in &self.lexicons {
            b = b.lexicon_file(f);
        }
        for f in &self.word_lists {
            b = b.word_lists_file(f);
        }
        b.build().map_err(py_err)
    }
}

/// An extractor: build once (it loads dictionaries, rules and the relation
/// model), reuse for every text, from any thread.
///
/// ```python
/// ex = zhextract.Extractor(time_bias="past")
/// doc = ex.extract("騰訊去年7月14日宣布收購搜狗。", doc_date="2022-10-21")
/// ```
#[pyclass(frozen, module = "zhextract._zhextract")]
struct Extractor {
    inner: Arc<zhextract::Extractor>,
}

#[allow(clippy::too_many_arguments)]
fn options(
    time_bias: &str,
    doc_date: Option<&str>,
    include_tokens: bool,
    include_simplified: bool,
    rules: Option<Vec<String>>,
    lexicons: Option<Vec<String>>,
    word_lists: Option<Vec<String>>,
    relation_model: bool,
) -> PyResult<Options> {
    Ok(Options {
        time_bias: time_bias.parse().map_err(PyValueError::new_err)?,
        doc_date: doc_date.map(parse_date).transpose()?,
        include_tokens,
        include_simplified,
        rules: rules.unwrap_or_default(),
        lexicons: lexicons.unwrap_or_default(),
        word_lists: word_lists.unwrap_or_default(),
        relation_model,
    })
}

/// The document as Python objects: the JSON contract's dict.
fn to_dict<'py>(py: Python<'py>, doc: &Document) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, doc).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// A `str`, or a `TypeError` that names what was given instead.
fn text_arg(text: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match text.extract::<String>() {
        Ok(s) => Ok(s),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be str, not {}",
            text.get_type().name()?
        ))),
    }
}

impl Extractor {
    fn run(&self, text: &str, doc_date: Option<Reference>) -> zhextract::Result<Document> {
        self.inner.extract_at(text, doc_date)
    }
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (*, time_bias = "past", doc_date = None, include_tokens = false,
                        include_simplified = false, rules = None, lexicons = None,
                        word_lists = None, relation_model = true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        time_bias: &str,
        doc_date: Option<&str>,
        include_tokens: bool,
        include_simplified: bool,
        rules: Option<Vec<String>>,
        lexicons: Option<Vec<String>>,
        word_lists: Option<Vec<String>>,
        relation_model: bool,
    ) -> PyResult<Self> {
        let opts = options(
            time_bias,
            doc_date,
            include_tokens,
            include_simplified,
            rules,
            lexicons,
            word_lists,
            relation_model,
        )?;
        let inner = py.detach(|| opts.build())?;
        Ok(Extractor {
            inner: Arc::new(inner),
        })
    }

    /// Extract from one text; `doc_date` ("YYYY-MM-DD" or a date-time)
    /// overrides the extractor's. Returns the document as a dict.
    #[pyo3(signature = (text, doc_date = None))]
    fn extract<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        doc_date: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text_arg(text, "text")?;
        let date = doc_date.map(parse_date).transpose()?;
        let doc = py.detach(|| self.run(&text, date)).map_err(py_err)?;
        to_dict(py, &doc)
    }

    /// Extract from many texts in parallel; `doc_dates`, if given, has one
    /// date (or None) per text. Returns one dict per text, in order.
    #[pyo3(signature = (texts, doc_dates = None))]
    fn extract_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyAny>>,
        doc_dates: Option<Vec<Option<String>>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let texts = texts
            .iter()
            .enumerate()
            .map(|(i, t)| text_arg(t, &format!("texts[{i}]")))
            .collect::<PyResult<Vec<String>>>()?;
        let dates = match doc_dates {
            None => vec![None; texts.len()],
            Some(d) if d.len() != texts.len() => {
                return Err(PyValueError::new_err(format!(
                    "doc_dates has {} items for {} texts",
                    d.len(),
                    texts.len()
                )))
            }
            Some(d) => d
                .iter()
                .map(|x| x.as_deref().map(parse_date).transpose())
                .collect::<PyResult<Vec<_>>>()?,
        };
        let docs: Vec<zhextract::Result<Document>> = py.detach(|| {
            texts
                .par_iter()
                .zip(dates.par_iter())
                .map(|(t, d)| self.run(t, *d))
                .collect()
        });
        docs.into_iter()
            .map(|d| to_dict(py, &d.map_err(py_err)?))
            .collect()
    }

    /// Extract from a pyarrow RecordBatch with columns `id`, `text` and
    /// optionally `doc_date` (strings); returns `id` and the document as
    /// columns (`schema()` gives them). A row whose text is null or
    /// cannot be extracted gets empty lists and its reason in `error`.
    fn extract_arrow(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
    ) -> PyResult<PyArrowType<RecordBatch>> {
        let batch = batch.0;
        let out = py.detach(|| arrow_columns::extract_batch(&self.inner, &batch));
        out.map(PyArrowType).map_err(PyValueError::new_err)
    }
}

/// The extractor `extract()` uses when it is given no options.
fn default_extractor(py: Python<'_>) -> PyResult<Arc<zhextract::Extractor>> {
    static DEFAULT: OnceLock<Arc<zhextract::Extractor>> = OnceLock::new();
    if let Some(ex) = DEFAULT.get() {
        return Ok(ex.clone());
    }
    let built = py.detach(zhextract::Extractor::new).map_err(py_err)?;
    Ok(DEFAULT.get_or_init(|| Arc::new(built)).clone())
}

/// Extract from one text with a default extractor (built once), or with
/// one built for the options given (`time_bias`, `include_tokens`,
/// `include_simplified`, `rules`, `lexicons`, `word_lists`, `relation_model`): for many
/// texts, build an `Extractor` once instead.
#[pyfunction]
#[pyo3(signature = (text, doc_date = None, **options))]
fn extract<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    doc_date: Option<&str>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = text_arg(text, "text")?;
    let date = doc_date.map(parse_date).transpose()?;
    let ex = match options {
        Some(o) if !o.is_empty() => {
            let get_bool = |k: &str, d: bool| -> PyResult<bool> {
                o.get_item(k)?.map_or(Ok(d), |v| v.extract::<bool>())
            };
            let get_list = |k: &str| -> PyResult<Option<Vec<String>>> {
                o.get_item(k)?
                    .map(|v| v.extract::<Vec<String>>())
                    .transpose()
            };
            for key in o.keys() {
                let k: String = key.extract()?;
                if !matches!(
                    k.as_str(),
                    "time_bias"
                        | "include_tokens"
                        | "include_simplified"
                        | "rules"
                        | "lexicons"
                        | "word_lists"
                        | "relation_model"
                ) {
                    return Err(PyTypeError::new_err(format!(
                        "extract() got an unexpected keyword argument {k:?}"
                    )));
                }
            }
            let bias: Option<String> = o.get_item("time_bias")?.map(|v| v.extract()).transpose()?;
            let opts = self::options(
                bias.as_deref().unwrap_or("past"),
                None,
                get_bool("include_tokens", false)?,
                get_bool("include_simplified", false)?,
                get_list("rules")?,
                get_list("lexicons")?,
                get_list("word_lists")?,
                get_bool("relation_model", true)?,
            )?;
            Arc::new(py.detach(|| opts.build())?)
        }
        _ => default_extractor(py)?,
    };
    let doc = py.detach(|| ex.extract_at(&text, date)).map_err(py_err)?;
    to_dict(py, &doc)
}

/// The columns `extract_arrow` returns after `id`, as a pyarrow schema.
#[pyfunction]
fn document_schema() -> PyArrowType<arrow::datatypes::Schema> {
    PyArrowType(arrow_columns::document_schema())
}

#[pymodule]
fn _zhextract(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(document_schema, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
