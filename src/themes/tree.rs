//! The themes as a tree: the two themes (or groups) whose centroids are closest are merged,
//! again and again, into coarser groups, each named after its largest themes. A reader who
//! finds the themes too fine reads a level up; `themes.json` keeps the whole tree.

use ndarray::{Array1, ArrayView2};
use serde::Serialize;

/// A group made of two earlier nodes. Nodes `0..k` are the themes; merge `i` is node `k + i`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Merge {
    /// Its node id (`k + i`).
    pub node: usize,
    /// The two nodes merged.
    pub children: [usize; 2],
    /// Cosine between the two nodes' centroids when they merged.
    pub similarity: f32,
    /// Paragraphs in the group.
    pub size: usize,
    /// The themes in the group, largest first.
    pub themes: Vec<usize>,
    /// The labels of its two largest themes.
    pub label: String,
}

/// Merges the `k` themes pairwise, closest centroids first (size-weighted centroids: the
/// merged group's centroid is the mean of its paragraphs'), until one group is left.
/// `centroids` are the themes' L2-normalised centroids, `sizes` their paragraphs, `labels` their
/// labels. Ties go to the lowest node ids, so the tree is deterministic.
pub fn merge_tree(
    centroids: ArrayView2<'_, f32>,
    sizes: &[usize],
    labels: &[String],
) -> Vec<Merge> {
    let k = centroids.nrows();
    // Live nodes: id, weighted sum of unit centroids, size, themes.
    let mut live: Vec<(usize, Array1<f32>, usize, Vec<usize>)> = (0..k)
        .map(|t| {
            (
                t,
                centroids.row(t).to_owned() * sizes[t] as f32,
                sizes[t],
                vec![t],
            )
        })
        .collect();
    let mut merges = Vec::new();
    while live.len() > 1 {
        let (a, b, similarity) = closest_pair(&live);
        let (id_b, sum_b, size_b, themes_b) = live.remove(b);
        let (id_a, sum_a, size_a, themes_a) = live.remove(a);
        let mut themes: Vec<usize> = themes_a.into_iter().chain(themes_b).collect();
        themes.sort_by(|&x, &y| sizes[y].cmp(&sizes[x]).then(x.cmp(&y)));
        let node = k + merges.len();
        let label = themes
            .iter()
            .take(2)
            .map(|&t| labels[t].as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        merges.push(Merge {
            node,
            children: [id_a, id_b],
            similarity: super::round4(similarity),
            size: size_a + size_b,
            themes: themes.clone(),
            label,
        });
        live.push((node, sum_a + sum_b, size_a + size_b, themes));
    }
    merges
}

/// Indices (a < b) of the two live nodes with the most similar centroids, and that cosine.
fn closest_pair(live: &[(usize, Array1<f32>, usize, Vec<usize>)]) -> (usize, usize, f32) {
    let unit = |v: &Array1<f32>| {
        let norm = v.dot(v).sqrt();
        if norm > 0.0 {
            v / norm
        } else {
            v.clone()
        }
    };
    let units: Vec<Array1<f32>> = live.iter().map(|n| unit(&n.1)).collect();
    let mut best = (0, 1, f32::NEG_INFINITY);
    for a in 0..live.len() {
        for b in a + 1..live.len() {
            let s = units[a].dot(&units[b]);
            if s > best.2 {
                best = (a, b, s);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn the_closest_themes_merge_first_and_the_tree_ends_in_one_group() {
        // Themes 0 and 2 point almost the same way; 1 is apart.
        let c = array![[1.0f32, 0.0], [0.0, 1.0], [0.995, 0.0998]];
        let labels: Vec<String> = ["gas", "chips", "pipelines"].map(String::from).to_vec();
        let tree = merge_tree(c.view(), &[10, 5, 3], &labels);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].children, [0, 2]);
        assert_eq!(tree[0].label, "gas · pipelines");
        assert_eq!((tree[0].node, tree[0].size), (3, 13));
        assert_eq!(tree[1].children, [1, 3]);
        assert_eq!(tree[1].themes, [0, 1, 2]);
        assert_eq!(tree[1].size, 18);
    }
}
