//! The themes as a tree: the two themes (or groups) whose centroids are closest are merged,
//! again and again, into coarser groups. A reader who finds the themes too fine reads a level
//! up (`--level N`: the themes cut into N groups); `themes.json` keeps the whole tree.
//!
//! Each group is named from its own paragraphs, as a theme is (c-TF-IDF against the other
//! groups of the level where it formed, the same naming rules: [`super::phrases`]), not from the
//! names of its themes: the group of "gas pipeline" and "oil exports" is "energy exports" when
//! its paragraphs say so. The names are filled in by `themes::find_themes`.

use ndarray::{Array1, ArrayView2};
use serde::Serialize;

use super::ScoredPhrase;

/// The label of the group that holds every theme. It is the corpus itself: against no other
/// group of its level, its phrases are what every theme says ("ask / time" on a corpus of
/// news on crime, politics, sport and money).
pub const ROOT_LABEL: &str = "all themes";

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
    /// Its best phrase or two, from its own paragraphs.
    pub label: String,
    /// Its key phrases, best first.
    pub phrases: Vec<ScoredPhrase>,
    /// Its top single words, best first.
    pub words: Vec<String>,
}

/// One group of a level of the tree (`--level`): a theme or a merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// 0-based, groups ordered by size (largest first).
    pub id: usize,
    /// Its node in the tree: a theme id below k, a merge's node id from k on.
    pub node: usize,
    /// Its best phrase or two, from its own paragraphs against the other groups of the level.
    pub label: String,
    pub phrases: Vec<ScoredPhrase>,
    pub words: Vec<String>,
    /// Its themes, largest first.
    pub themes: Vec<usize>,
    /// Paragraphs, and their share of the counted paragraphs.
    pub size: usize,
    pub share: f32,
}

/// Merges the `k` themes pairwise, closest centroids first (size-weighted centroids: the
/// merged group's centroid is the mean of its paragraphs'), until one group is left.
/// `centroids` are the themes' L2-normalised centroids, `sizes` their paragraphs. Ties go to the
/// lowest node ids, so the tree is deterministic. Labels, phrases and words are left empty.
pub fn merge_tree(centroids: ArrayView2<'_, f32>, sizes: &[usize]) -> Vec<Merge> {
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
        merges.push(Merge {
            node,
            children: [id_a, id_b],
            similarity: super::round4(similarity),
            size: size_a + size_b,
            themes: themes.clone(),
            label: String::new(),
            phrases: Vec::new(),
            words: Vec::new(),
        });
        live.push((node, sum_a + sum_b, size_a + size_b, themes));
    }
    merges
}

/// A group of a cut: its node, its themes (largest first) and its paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    pub node: usize,
    pub themes: Vec<usize>,
    pub size: usize,
}

/// The tree cut into `groups` groups (the `sizes.len()` themes after the first merges, all of
/// them when `groups` is at least the number of themes, one group when it is 0 or 1): largest
/// first, ties by node id.
pub fn cut(tree: &[Merge], sizes: &[usize], groups: usize) -> Vec<Cut> {
    let k = sizes.len();
    let mut live: Vec<Cut> = (0..k)
        .map(|t| Cut {
            node: t,
            themes: vec![t],
            size: sizes[t],
        })
        .collect();
    let merges = k.saturating_sub(groups.max(1)).min(tree.len());
    for m in &tree[..merges] {
        live.retain(|c| !m.children.contains(&c.node));
        live.push(Cut {
            node: m.node,
            themes: m.themes.clone(),
            size: m.size,
        });
    }
    live.sort_by(|a, b| b.size.cmp(&a.size).then(a.node.cmp(&b.node)));
    live
}

/// The nodes inside `node` (its parts, their parts, down to the themes), in node order; none
/// for a theme.
pub fn descendants(tree: &[Merge], k: usize, node: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut open = vec![node];
    while let Some(n) = open.pop() {
        if let Some(m) = n.checked_sub(k).and_then(|m| tree.get(m)) {
            out.extend(m.children);
            open.extend(m.children);
        }
    }
    out.sort_unstable();
    out
}

/// Each theme's group in `cut` (by index).
pub fn group_of_theme(cut: &[Cut], k: usize) -> Vec<usize> {
    let mut group = vec![0; k];
    for (g, c) in cut.iter().enumerate() {
        for &t in &c.themes {
            group[t] = g;
        }
    }
    group
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
        let tree = merge_tree(c.view(), &[10, 5, 3]);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].children, [0, 2]);
        assert_eq!((tree[0].node, tree[0].size), (3, 13));
        assert_eq!(tree[1].children, [1, 3]);
        assert_eq!(tree[1].themes, [0, 1, 2]);
        assert_eq!(tree[1].size, 18);
    }

    #[test]
    fn a_cut_into_n_groups_partitions_the_themes() {
        // Two pairs of close themes (1 with 2, then 0 with 3) far from each other and from 4.
        let c = array![
            [1.0f32, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.995, 0.0998],
            [0.99, 0.141, 0.0],
            [0.0, 0.0, 1.0]
        ];
        let sizes = [9, 8, 7, 5, 4];
        let tree = merge_tree(c.view(), &sizes);
        let three = cut(&tree, &sizes, 3);
        let themes: Vec<&[usize]> = three.iter().map(|g| g.themes.as_slice()).collect();
        // Largest group first.
        assert_eq!(themes, [&[1, 2][..], &[0, 3], &[4]]);
        assert_eq!((three[0].node, three[1].node), (5, 6));
        assert_eq!(
            three.iter().map(|g| g.size).collect::<Vec<_>>(),
            [15, 14, 4]
        );
        assert_eq!(group_of_theme(&three, 5), [1, 0, 0, 1, 2]);
        // The root (node 8) holds everything below it; a theme holds nothing.
        assert_eq!(descendants(&tree, 5, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(descendants(&tree, 5, 6), [0, 3]);
        assert!(descendants(&tree, 5, 2).is_empty());
        // Every level is a partition; beyond the themes nothing is merged.
        for n in 1..=7 {
            let groups = cut(&tree, &sizes, n);
            assert_eq!(groups.len(), n.clamp(1, 5));
            let mut all: Vec<usize> = groups.iter().flat_map(|g| g.themes.clone()).collect();
            all.sort_unstable();
            assert_eq!(all, [0, 1, 2, 3, 4]);
        }
    }
}
