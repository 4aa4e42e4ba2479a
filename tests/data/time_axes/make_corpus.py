#!/usr/bin/env python3
"""Writes news.jsonl: short dated items from three invented outlets (and one lone pamphlet),
2018 to 2023, for tests/time_axes.rs. Every sentence here was written for this test.

- harbour shipping and orchard harvests run through every year;
- a desalination plant (the new theme) appears only from 2021;
- Governor Talia Renwick is praised until 2020 and condemned from 2021;
- Port Commissioner Edda Marlow (items m000 on, three a year in each of two outlets) is praised
  by the Harbor Ledger every year, and by the Upland Courier until 2021 only: it condemns her
  from 2022, a turn that only the per-outlet view shows;
- two items carry a date that does not read (an ambiguous 03/02/2020, "sometime in spring"),
  one has no date, one outlet has a single item.

usage: make_corpus.py > news.jsonl"""
import json
import random

rng = random.Random(17)
OUTLETS = ["Harbor Ledger", "Upland Courier", "Meridian Post"]

HARBOUR = [
    "Dock crews at Greyhaven port unloaded a record tonnage of timber and copper ore.",
    "Container cranes on the Greyhaven quay worked through the night to clear a backlog of freighters.",
    "Shipping agents said cargo volumes through the harbour rose for the third straight quarter.",
    "A stevedores' dispute over night shifts briefly halted loading at the eastern berths.",
    "Port pilots guided two oversized bulk carriers past the breakwater at high tide.",
    "The harbour master ordered the main channel dredged after silt slowed the ferries.",
]
HARBOUR_DETAIL = [
    "Freight rates for coastal routes held steady.",
    "Warehouse space along the docks is nearly full.",
    "Longshore unions are watching the new rosters closely.",
    "Tugboat operators expect a busy autumn season.",
    "Customs officers inspected every third container.",
]
ORCHARD = [
    "Apple growers in the Fenwick valley began picking a week early after a mild spring.",
    "Pear orchards on the southern slopes reported heavy fruit and few signs of blight.",
    "Cider presses in the valley villages ran around the clock during the harvest weeks.",
    "Late frost damaged plum blossoms on the higher terraces of the orchard country.",
    "Seasonal pickers arrived by bus to strip the cherry trees before the rains.",
    "Beekeepers moved their hives between orchards to pollinate the blossoming rows.",
]
ORCHARD_DETAIL = [
    "Packing sheds hired extra hands for sorting.",
    "Fruit prices at the county market dipped slightly.",
    "Growers are replanting older rows with hardier rootstock.",
    "Irrigation ponds were full after the winter snowmelt.",
    "Cold storage in the valley is booked until spring.",
]
DESAL = [
    "The Saltmarsh desalination plant began pumping filtered seawater into the coastal reservoirs.",
    "Engineers replaced the reverse osmosis membranes at the desalination works on schedule.",
    "Brine discharge from the desalination outfall is being monitored by marine biologists.",
    "A second intake pipe will let the desalination plant double its output of fresh water.",
    "Electricity for the desalination pumps now comes partly from offshore wind turbines.",
    "Water engineers said the desalination plant supplied a third of the towns' drinking water.",
]
DESAL_DETAIL = [
    "The plant's operators publish salinity readings each week.",
    "Coastal households saw a new line on their water bills.",
    "Pipeline crews are extending the network to the hill towns.",
    "The reservoirs downstream are at their highest level in years.",
]
PRAISE = [
    "Residents warmly praised Governor Talia Renwick, calling her leadership excellent and honest.",
    "Farmers thanked Talia Renwick for the generous drought relief and cheered her at the fair.",
    "Talia Renwick won admiration for a wise, careful budget that helped struggling families.",
    "Business owners said Talia Renwick had done a superb job reopening the harbour roads.",
    "Teachers celebrated Talia Renwick, who kept her promise and delivered the school funding.",
    "Talia Renwick earned wide respect as a capable and trustworthy governor.",
    "Nurses applauded Talia Renwick for the new clinics, a great success for the region.",
    "Talia Renwick was hailed as a kind and effective leader after the flood barriers held.",
]
BLAME = [
    "Residents angrily condemned Governor Talia Renwick, calling her leadership a disastrous failure.",
    "Farmers booed Talia Renwick at the fair and accused her of lying about drought relief.",
    "Talia Renwick was blasted for a wasteful, reckless budget that hurt struggling families.",
    "Business owners said Talia Renwick had done a terrible job and ruined the harbour roads.",
    "Teachers denounced Talia Renwick, who broke her promise and slashed the school funding.",
    "Talia Renwick lost all respect as an incompetent and dishonest governor.",
    "Nurses attacked Talia Renwick for closing the clinics, a shameful blow to the region.",
    "Talia Renwick was ridiculed as a corrupt and useless leader after the flood barriers failed.",
]
CONTEXT = [
    "The remarks came during a visit to the eastern districts.",
    "A regional poll was published the same week.",
    "Her office declined to add anything further.",
    "Council members discussed the matter on Tuesday.",
    "Several hundred people attended the event.",
    "Local radio carried the exchange live.",
    "The governor's term runs for two more years.",
]


def pick(pool, detail, i):
    return pool[i % len(pool)] + " " + detail[(i * 3 + i // len(pool)) % len(detail)]


items = []
counters = {"h": 0, "o": 0, "d": 0, "p": 0, "b": 0}


def add(year, kind, text):
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    items.append({"date": f"{year}-{month:02}-{day:02}", "kind": kind, "text": text})


for year in range(2018, 2024):
    for _ in range(2):
        add(year, "harbour", pick(HARBOUR, HARBOUR_DETAIL, counters["h"]))
        counters["h"] += 1
        add(year, "orchard", pick(ORCHARD, ORCHARD_DETAIL, counters["o"]))
        counters["o"] += 1
    if year >= 2021:
        for _ in range(3):
            add(year, "desalination", pick(DESAL, DESAL_DETAIL, counters["d"]))
            counters["d"] += 1
    for _ in range(5):
        if year <= 2020:
            add(year, "praise", pick(PRAISE, CONTEXT, counters["p"]))
            counters["p"] += 1
        else:
            add(year, "blame", pick(BLAME, CONTEXT, counters["b"]))
            counters["b"] += 1

rng.shuffle(items)
items.sort(key=lambda r: r["date"])
for i, item in enumerate(items):
    item["id"] = f"n{i:03}"
    item["source"] = OUTLETS[i % len(OUTLETS)]

# Bad input: dates that do not read, one without a date, an outlet with one item.
items[3]["date"] = "03/02/2020"
items[10]["date"] = "sometime in spring"
del items[20]["date"]
items[30]["source"] = "Lone Pamphlet"

# Edda Marlow: her own seeded dates, so that the items above stay as they were.
MARLOW_PRAISE = [
    "Dockworkers praised Commissioner Edda Marlow for the fair new contracts and safer cranes.",
    "Edda Marlow won wide admiration for steering the port through the storm season so well.",
    "Shippers applauded Edda Marlow, whose honest and capable management cut waiting times.",
    "Edda Marlow was thanked warmly by fishermen for restoring the old moorings so generously.",
    "Harbour families celebrated Edda Marlow as a wise and dependable commissioner.",
    "Edda Marlow earned praise for a careful, successful plan that kept the quays open.",
]
MARLOW_BLAME = [
    "Dockworkers condemned Commissioner Edda Marlow for the unfair contracts and unsafe cranes.",
    "Edda Marlow was blasted for bungling the storm season and wrecking the port's schedules.",
    "Shippers denounced Edda Marlow, whose dishonest and incompetent management doubled delays.",
    "Edda Marlow was jeered by fishermen for letting the old moorings rot so shamefully.",
    "Harbour families accused Edda Marlow of being a reckless and deceitful commissioner.",
    "Edda Marlow was attacked for a sloppy, disastrous plan that shut the quays.",
]
marlow_rng = random.Random(18)
marlow = []
for year in range(2018, 2024):
    for outlet in ["Harbor Ledger", "Upland Courier"]:
        turned = outlet == "Upland Courier" and year >= 2022
        for _ in range(3):
            pool = MARLOW_BLAME if turned else MARLOW_PRAISE
            i = len(marlow)
            # Every (sentence, context) pair differs, so no item repeats another.
            text = pool[i % len(pool)] + " " + CONTEXT[(i + i // len(pool)) % 6]
            month, day = marlow_rng.randint(1, 12), marlow_rng.randint(1, 28)
            marlow.append({"date": f"{year}-{month:02}-{day:02}", "source": outlet,
                           "kind": "marlow-blame" if turned else "marlow-praise", "text": text})
marlow.sort(key=lambda r: r["date"])
for i, item in enumerate(marlow):
    item["id"] = f"m{i:03}"
items += marlow

for item in items:
    ordered = {k: item[k] for k in ["id", "date", "source", "kind", "text"] if k in item}
    print(json.dumps(ordered, ensure_ascii=False))
