//! k-means over rows held elsewhere (`themes::lloyd`): `kmeans_step` gives one block's sums
//! and counts per nearest centre, `kmeans_centres` turns the blocks' totals into the next
//! centres, `kmeans_labels` labels rows by the nearest centre. The vectors are read in place.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use themescope::themes::lloyd;

use crate::errors;
use crate::themes::matrix;

/// A 2-D float64 numpy array argument, or a `TypeError` naming it.
fn centres_matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<PyReadonlyArray2<'py, f64>> {
    obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a 2-D numpy array of float64 (centres × dim)"
        ))
    })
}

/// One block's share of a k-means step: each row of `embeddings` (float32) goes to its nearest
/// of `centres` (float64, centres × dim; squared Euclidean distance after normalising the row,
/// as the themes fit's k-means). Returns `sums` (float64, centres × dim), `counts` (int64),
/// `inertia` (the squared distances summed) and `moved`: rows whose nearest centre differs
/// from their nearest among `previous` (0 without it).
#[pyfunction]
#[pyo3(signature = (embeddings, centres, previous=None))]
pub fn kmeans_step<'py>(
    py: Python<'py>,
    embeddings: &Bound<'py, PyAny>,
    centres: &Bound<'py, PyAny>,
    previous: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let vectors = matrix(embeddings, "embeddings")?;
    let centres = centres_matrix(centres, "centres")?;
    let previous = previous
        .filter(|p| !p.is_none())
        .map(|p| centres_matrix(p, "previous"))
        .transpose()?;
    let (vectors, centres) = (vectors.as_array(), centres.as_array());
    let previous = previous.as_ref().map(|p| p.as_array());
    let step = py
        .detach(|| lloyd::block_step(vectors, centres, previous))
        .map_err(errors::to_py)?;
    let out = PyDict::new(py);
    out.set_item("sums", step.sums.into_pyarray(py))?;
    let counts: Vec<i64> = step.counts.iter().map(|&c| c as i64).collect();
    out.set_item("counts", PyArray1::from_vec(py, counts))?;
    out.set_item("inertia", step.inertia)?;
    out.set_item("moved", step.moved)?;
    Ok(out)
}

/// The centres after a step: `sums` and `counts` added over every block, each centre their
/// mean (float64); a centre no row went to stays where it was in `centres`.
#[pyfunction]
pub fn kmeans_centres<'py>(
    py: Python<'py>,
    sums: &Bound<'py, PyAny>,
    counts: Vec<u64>,
    centres: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let sums = centres_matrix(sums, "sums")?;
    let centres = centres_matrix(centres, "centres")?;
    let next =
        lloyd::next_centres(sums.as_array(), &counts, centres.as_array()).map_err(errors::to_py)?;
    Ok(next.into_pyarray(py))
}

/// Each row's nearest centre (int64), by the rule of `kmeans_step`.
#[pyfunction]
pub fn kmeans_labels<'py>(
    py: Python<'py>,
    embeddings: &Bound<'py, PyAny>,
    centres: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let vectors = matrix(embeddings, "embeddings")?;
    let centres = centres_matrix(centres, "centres")?;
    let (vectors, centres) = (vectors.as_array(), centres.as_array());
    let labels = py
        .detach(|| lloyd::nearest_centres(vectors, centres))
        .map_err(errors::to_py)?;
    let labels: Vec<i64> = labels.into_iter().map(|c| c as i64).collect();
    Ok(PyArray1::from_vec(py, labels))
}
