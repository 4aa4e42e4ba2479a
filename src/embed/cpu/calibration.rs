//! Sentences the 8-bit encoder runs through its f32 layers once at load, to learn how wide each
//! input channel of each linear layer swings. Written for themescope; varied in subject, length
//! and register so that the ranges are those of ordinary prose, not of one topic. The ranges
//! only steer how precision is shared between channels: a text outside them is still encoded,
//! only less evenly.
pub const TEXTS: &[&str] = &[
    "The foreign ministers met in Geneva on Tuesday and agreed to resume talks on the ceasefire.",
    "Shares fell sharply after the central bank raised interest rates by half a percentage point.",
    "Critics say the alliance is a marriage of convenience that will not survive the next crisis.",
    "The home side scored twice in the final ten minutes to win the cup for the first time.",
    "Researchers found that the new vaccine cut hospital admissions by more than sixty percent.",
    "Heavy rain flooded the valley overnight, forcing hundreds of families to leave their homes.",
    "I honestly loved this film: the acting is superb and the ending made me cry.",
    "What a waste of money. The battery died after two days and support never answered.",
    "Oil prices climbed to a six-month high as exporters agreed to extend production cuts.",
    "The president's visit to Beijing was described by officials as warm but without results.",
    "Analysts warn that sanctions have pushed Moscow closer to China than at any time in decades.",
    "A spokesman for the company declined to comment on reports of layoffs at its European plants.",
    "The committee will publish its report next month, after hearing from more than forty witnesses.",
    "Scientists at the observatory detected a faint signal from a galaxy thirteen billion years old.",
    "Farmers blocked roads across the country to protest against cheap imports and new rules.",
    "She argued that trade, not military power, will decide the balance between the great powers.",
    "The software update fixes a security flaw that let attackers read messages on older phones.",
    "Inflation eased for the third month in a row, giving households some relief at last.",
    "Nobody expected the underdog to reach the final, let alone to beat the reigning champion.",
    "Talks broke down late on Friday when neither side would give ground on the border question.",
    "Some call it a reverse Nixon: courting the weaker rival in order to isolate the stronger one.",
    "Europe's leaders promised more aid, but disagreed over how to pay for it and who should lead.",
    "The museum reopened after a two-year renovation with a new wing devoted to modern art.",
    "Ok.",
    "Breaking: earthquake of magnitude 6.1 strikes off the coast; no tsunami warning issued.",
    "In a statement, the ministry said the exercises were routine and not aimed at any country, \
     while neighbouring governments summoned ambassadors and demanded an explanation within days.",
    "Profits at the bank rose 12% to $4.3bn in the second quarter, beating forecasts, although \
     its chief executive warned that higher funding costs and weaker lending would weigh on 2025.",
    "The summit ended with a joint declaration on climate, a vague pledge on debt relief for poor \
     countries and an agreement to meet again next year, which diplomats called modest progress.",
];
