//! The built-in gazetteer: countries with their other names, demonyms and capitals, and a few
//! regions and alliances. Facts, written for themescope. "Beijing" and "Chinese" point to China
//! unless an actor file says otherwise.

use super::{Actor, ActorKind};

/// One line per actor: `name | other names | demonyms | capitals and seats of government`,
/// lists separated by `;`. Capitals and demonyms that are everyday words or common given names
/// (Male, Victoria, Santiago...) are left out: they would match too often.
const COUNTRIES: &str = "\
Afghanistan | | Afghan; Afghans | Kabul
Albania | | Albanian; Albanians | Tirana
Algeria | | Algerian; Algerians | Algiers
Andorra | | Andorran; Andorrans | Andorra la Vella
Angola | | Angolan; Angolans | Luanda
Antigua and Barbuda | Antigua | Antiguan; Antiguans | St. John's
Argentina | | Argentine; Argentines; Argentinian; Argentinians | Buenos Aires
Armenia | | Armenian; Armenians | Yerevan
Australia | | Australian; Australians | Canberra
Austria | | Austrian; Austrians | Vienna
Azerbaijan | | Azerbaijani; Azerbaijanis; Azeri; Azeris | Baku
Bahamas | the Bahamas | Bahamian; Bahamians | Nassau
Bahrain | | Bahraini; Bahrainis | Manama
Bangladesh | | Bangladeshi; Bangladeshis | Dhaka
Barbados | | Barbadian; Barbadians | Bridgetown
Belarus | | Belarusian; Belarusians | Minsk
Belgium | | Belgian; Belgians |
Belize | | Belizean; Belizeans | Belmopan
Benin | | Beninese | Porto-Novo
Bhutan | | Bhutanese | Thimphu
Bolivia | | Bolivian; Bolivians | La Paz; Sucre
Bosnia and Herzegovina | Bosnia | Bosnian; Bosnians | Sarajevo
Botswana | | Botswanan; Motswana; Batswana | Gaborone
Brazil | | Brazilian; Brazilians | Brasilia; Brasília
Brunei | | Bruneian; Bruneians | Bandar Seri Begawan
Bulgaria | | Bulgarian; Bulgarians | Sofia
Burkina Faso | | Burkinabe; Burkinabè | Ouagadougou
Burundi | | Burundian; Burundians | Gitega
Cambodia | | Cambodian; Cambodians | Phnom Penh
Cameroon | | Cameroonian; Cameroonians | Yaounde; Yaoundé
Canada | | Canadian; Canadians | Ottawa
Cape Verde | Cabo Verde | Cape Verdean; Cape Verdeans | Praia
Central African Republic | | Central African; Central Africans | Bangui
Chad | | Chadian; Chadians | N'Djamena
Chile | | Chilean; Chileans |
China | People's Republic of China; PRC; Mainland China | Chinese | Beijing; Zhongnanhai
Colombia | | Colombian; Colombians | Bogota; Bogotá
Comoros | | Comoran; Comorans | Moroni
Democratic Republic of the Congo | DR Congo; DRC; Congo-Kinshasa | Congolese | Kinshasa
Republic of the Congo | Congo-Brazzaville | | Brazzaville
Costa Rica | | Costa Rican; Costa Ricans | San Jose; San José
Croatia | | Croatian; Croatians; Croat; Croats | Zagreb
Cuba | | Cuban; Cubans | Havana
Cyprus | | Cypriot; Cypriots | Nicosia
Czech Republic | Czechia | Czech; Czechs | Prague
Denmark | | Danish; Dane; Danes | Copenhagen
Djibouti | | Djiboutian; Djiboutians |
Dominica | | Dominican | Roseau
Dominican Republic | | | Santo Domingo
Ecuador | | Ecuadorian; Ecuadorians | Quito
Egypt | | Egyptian; Egyptians | Cairo
England | | Englishman; Englishmen |
El Salvador | | Salvadoran; Salvadorans | San Salvador
Equatorial Guinea | | Equatoguinean; Equatoguineans | Malabo
Eritrea | | Eritrean; Eritreans | Asmara
Estonia | | Estonian; Estonians | Tallinn
Eswatini | Swaziland | Swazi; Swazis | Mbabane
Ethiopia | | Ethiopian; Ethiopians | Addis Ababa
Fiji | | Fijian; Fijians | Suva
Finland | | Finnish; Finn; Finns | Helsinki
France | | French; Frenchman; Frenchwoman | Paris; Elysee; Élysée
Gabon | | Gabonese | Libreville
Gambia | the Gambia | Gambian; Gambians | Banjul
Georgia | | Georgian; Georgians | Tbilisi
Germany | | German; Germans | Berlin
Ghana | | Ghanaian; Ghanaians | Accra
Greece | | Greek; Greeks | Athens
Grenada | | Grenadian; Grenadians |
Guatemala | | Guatemalan; Guatemalans | Guatemala City
Guinea | | Guinean; Guineans | Conakry
Guinea-Bissau | | Bissau-Guinean | Bissau
Guyana | | Guyanese | Georgetown
Haiti | | Haitian; Haitians | Port-au-Prince
Honduras | | Honduran; Hondurans | Tegucigalpa
Hungary | | Hungarian; Hungarians | Budapest
Iceland | | Icelandic; Icelander; Icelanders | Reykjavik; Reykjavík
India | | Indian; Indians | New Delhi
Indonesia | | Indonesian; Indonesians | Jakarta
Iran | Islamic Republic of Iran | Iranian; Iranians | Tehran
Iraq | | Iraqi; Iraqis | Baghdad
Ireland | Republic of Ireland | Irish | Dublin
Israel | | Israeli; Israelis | Jerusalem
Italy | | Italian; Italians | Rome
Ivory Coast | Côte d'Ivoire; Cote d'Ivoire | Ivorian; Ivorians | Yamoussoukro
Jamaica | | Jamaican; Jamaicans | Kingston
Japan | | Japanese | Tokyo
Jordan | | Jordanian; Jordanians | Amman
Kazakhstan | | Kazakh; Kazakhs; Kazakhstani | Astana
Kenya | | Kenyan; Kenyans | Nairobi
Kiribati | | I-Kiribati | Tarawa
Kosovo | | Kosovar; Kosovars | Pristina
Kuwait | | Kuwaiti; Kuwaitis | Kuwait City
Kyrgyzstan | | Kyrgyz | Bishkek
Laos | | Lao; Laotian; Laotians | Vientiane
Latvia | | Latvian; Latvians | Riga
Lebanon | | Lebanese | Beirut
Lesotho | | Basotho; Mosotho | Maseru
Liberia | | Liberian; Liberians | Monrovia
Libya | | Libyan; Libyans | Tripoli
Liechtenstein | | Liechtensteiner | Vaduz
Lithuania | | Lithuanian; Lithuanians | Vilnius
Luxembourg | | Luxembourger; Luxembourgers |
Madagascar | | Malagasy | Antananarivo
Malawi | | Malawian; Malawians | Lilongwe
Malaysia | | Malaysian; Malaysians | Kuala Lumpur
Maldives | the Maldives | Maldivian; Maldivians |
Mali | | Malian; Malians | Bamako
Malta | | Maltese | Valletta
Marshall Islands | | Marshallese | Majuro
Mauritania | | Mauritanian; Mauritanians | Nouakchott
Mauritius | | Mauritian; Mauritians | Port Louis
Mexico | | Mexican; Mexicans | Mexico City
Micronesia | | Micronesian; Micronesians | Palikir
Moldova | | Moldovan; Moldovans | Chisinau; Chișinău
Monaco | | Monegasque |
Mongolia | | Mongolian; Mongolians | Ulaanbaatar; Ulan Bator
Montenegro | | Montenegrin; Montenegrins | Podgorica
Morocco | | Moroccan; Moroccans | Rabat
Mozambique | | Mozambican; Mozambicans | Maputo
Myanmar | Burma | Burmese | Naypyidaw; Naypyitaw
Namibia | | Namibian; Namibians | Windhoek
Nauru | | Nauruan; Nauruans |
Nepal | | Nepali; Nepalese | Kathmandu
Netherlands | the Netherlands; Holland | Dutch | Amsterdam; The Hague
New Zealand | | New Zealander; New Zealanders | Wellington
Nicaragua | | Nicaraguan; Nicaraguans | Managua
Niger | | Nigerien; Nigeriens | Niamey
Nigeria | | Nigerian; Nigerians | Abuja
North Korea | DPRK; Democratic People's Republic of Korea | North Korean; North Koreans | Pyongyang
North Macedonia | Macedonia | Macedonian; Macedonians | Skopje
Northern Ireland | | | Belfast; Stormont
Norway | | Norwegian; Norwegians | Oslo
Oman | | Omani; Omanis | Muscat
Pakistan | | Pakistani; Pakistanis | Islamabad
Palau | | Palauan; Palauans | Ngerulmud
Palestine | Palestinian territories; State of Palestine | Palestinian; Palestinians | Ramallah
Panama | | Panamanian; Panamanians | Panama City
Papua New Guinea | | Papua New Guinean; Papua New Guineans | Port Moresby
Paraguay | | Paraguayan; Paraguayans | Asuncion; Asunción
Peru | | Peruvian; Peruvians | Lima
Philippines | the Philippines | Filipino; Filipinos; Philippine | Manila
Poland | | Pole; Poles | Warsaw
Portugal | | Portuguese | Lisbon
Qatar | | Qatari; Qataris | Doha
Romania | | Romanian; Romanians | Bucharest
Russia | Russian Federation | Russian; Russians | Moscow; Kremlin; the Kremlin
Rwanda | | Rwandan; Rwandans | Kigali
Saint Kitts and Nevis | | Kittitian | Basseterre
Saint Lucia | | Saint Lucian; Saint Lucians | Castries
Saint Vincent and the Grenadines | | Vincentian; Vincentians | Kingstown
Samoa | | Samoan; Samoans | Apia
San Marino | | Sammarinese |
Sao Tome and Principe | São Tomé and Príncipe | Santomean |
Saudi Arabia | | Saudi; Saudis | Riyadh
Scotland | | Scottish; Scots | Edinburgh; Holyrood
Senegal | | Senegalese | Dakar
Serbia | | Serbian; Serbians; Serb; Serbs | Belgrade
Seychelles | the Seychelles | Seychellois |
Sierra Leone | | Sierra Leonean; Sierra Leoneans | Freetown
Singapore | | Singaporean; Singaporeans |
Slovakia | | Slovak; Slovaks; Slovakian | Bratislava
Slovenia | | Slovenian; Slovenians; Slovene; Slovenes | Ljubljana
Solomon Islands | | Solomon Islander; Solomon Islanders | Honiara
Somalia | | Somali; Somalis | Mogadishu
South Africa | | South African; South Africans | Pretoria
South Korea | Republic of Korea; ROK | South Korean; South Koreans | Seoul
South Sudan | | South Sudanese | Juba
Soviet Union | USSR; U.S.S.R. | Soviet; Soviets |
Spain | | Spanish; Spaniard; Spaniards | Madrid
Sri Lanka | | Sri Lankan; Sri Lankans | Colombo
Sudan | | Sudanese | Khartoum
Suriname | | Surinamese | Paramaribo
Sweden | | Swedish; Swede; Swedes | Stockholm
Switzerland | | Swiss | Bern
Syria | | Syrian; Syrians | Damascus
Taiwan | Republic of China | Taiwanese | Taipei
Tajikistan | | Tajik; Tajiks | Dushanbe
Tanzania | | Tanzanian; Tanzanians | Dodoma
Thailand | | Thai | Bangkok
Timor-Leste | East Timor | Timorese | Dili
Togo | | Togolese | Lome; Lomé
Tonga | | Tongan; Tongans | Nuku'alofa
Trinidad and Tobago | | Trinidadian; Trinidadians | Port of Spain
Tunisia | | Tunisian; Tunisians | Tunis
Turkey | Türkiye | Turkish; Turk; Turks | Ankara
Turkmenistan | | Turkmen | Ashgabat
Tuvalu | | Tuvaluan; Tuvaluans | Funafuti
Uganda | | Ugandan; Ugandans | Kampala
Ukraine | | Ukrainian; Ukrainians | Kyiv; Kiev
United Arab Emirates | UAE; U.A.E.; the Emirates | Emirati; Emiratis | Abu Dhabi
United Kingdom | UK; U.K.; Britain; Great Britain | British; Briton; Britons | London; Downing Street; Whitehall
United States | the United States; United States of America; US; U.S.; USA; U.S.A.; America | American; Americans | Washington; Washington D.C.; the White House; White House; the Pentagon
Uruguay | | Uruguayan; Uruguayans | Montevideo
Uzbekistan | | Uzbek; Uzbeks | Tashkent
Vanuatu | | Ni-Vanuatu | Port Vila
Vatican City | the Vatican; Holy See | | Vatican
Venezuela | | Venezuelan; Venezuelans | Caracas
Vietnam | Viet Nam | Vietnamese | Hanoi
Wales | | Welsh | Cardiff
Yemen | | Yemeni; Yemenis | Sanaa; Sana'a
Zambia | | Zambian; Zambians | Lusaka
Zimbabwe | | Zimbabwean; Zimbabweans | Harare";

/// Regions and alliances that news treats as actors.
const GROUPS: &str = "\
Europe | European Union; EU; E.U.; the European Union | European; Europeans | Brussels
NATO | North Atlantic Treaty Organization; the Atlantic alliance | |
United Nations | UN; U.N. | |";

fn split(field: &str) -> impl Iterator<Item = String> + '_ {
    field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parse(table: &str, kind: ActorKind) -> Vec<Actor> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('|');
            let name = fields.next().unwrap_or("").trim().to_string();
            let aliases = fields.flat_map(split).collect();
            Actor {
                name,
                kind,
                aliases,
            }
        })
        .collect()
}

/// The built-in actors: every country, then Europe, NATO and the UN.
pub fn actors() -> Vec<Actor> {
    let mut all = parse(COUNTRIES, ActorKind::Country);
    all.extend(
        parse(GROUPS, ActorKind::Organisation)
            .into_iter()
            .map(|mut a| {
                if a.name == "Europe" {
                    a.kind = ActorKind::Group;
                }
                a
            }),
    );
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_alias_belongs_to_one_actor() {
        let all = actors();
        assert!(all.len() > 190, "{}", all.len());
        let mut seen: HashMap<String, String> = HashMap::new();
        for a in &all {
            assert!(!a.name.is_empty());
            for p in a.patterns() {
                if let Some(other) = seen.insert(p.to_string(), a.name.clone()) {
                    panic!("`{p}` belongs to both {other} and {}", a.name);
                }
            }
        }
        let china = all.iter().find(|a| a.name == "China").unwrap();
        assert!(china.aliases.iter().any(|a| a == "Beijing"));
        assert!(china.aliases.iter().any(|a| a == "Chinese"));
        assert_eq!(china.kind, ActorKind::Country);
        let europe = all.iter().find(|a| a.name == "Europe").unwrap();
        assert_eq!(europe.kind, ActorKind::Group);
    }
}
