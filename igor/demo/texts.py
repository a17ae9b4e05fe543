"""Swedish words and sentences the demo data is made of. Invented; no real case is described."""

from __future__ import annotations

# (language, weight). Most persons speak Swedish; the rest reflect Stockholm's larger languages.
LANGUAGES = (
    ("svenska", 70),
    ("arabiska", 6),
    ("somaliska", 3),
    ("persiska", 3),
    ("dari", 2),
    ("tigrinja", 2),
    ("polska", 2),
    ("finska", 2),
    ("engelska", 3),
    ("bosniska", 1),
    ("turkiska", 2),
    ("spanska", 2),
    ("kurdiska", 2),
)

# Post- och telestyrelsen reserves this mobile series for fiction: no subscriber ever has one.
FICTION_PHONE_PREFIX = "070-174 06 "
FICTION_PHONE_RANGE = range(5, 100)

# Postal codes of the two districts, so that addresses fit the unit.
POSTAL_CODES = {
    "IGOR Södermalm": (11620, 11869),
    "IGOR Norrmalm": (11120, 11359),
}

PLACES = (
    "I bostaden",
    "I bostaden, köket",
    "I bostaden, sovrummet",
    "I trapphuset",
    "Utanför bostaden",
    "På gatan",
    "I bilen",
    "Vid överlämning av barnen",
    "På arbetsplatsen",
    "Via telefon och sms",
    "I sociala medier",
    "Hos släktingar",
)

WEAPONS = ("Kniv", "Tillhygge (stol)", "Tillhygge (stekpanna)", "Kniv och tillhygge", "Bälte")

INJURIES = (
    "Blåmärken på armarna.",
    "Blåmärken och svullnad i ansiktet.",
    "Rodnad och märken på halsen.",
    "Sår på läppen.",
    "Smärta i bröstkorgen, undersökt på akuten.",
    "Inga synliga skador.",
)

INCIDENT_DESCRIPTIONS = (
    "Bråk som började med en diskussion om pengar och blev handgripligt.",
    "Hot om att skada {victim} om hen tar kontakt med socialtjänsten.",
    "{perpetrator} kontrollerar telefonen och följer {victim} till och från jobbet.",
    "Knuffar och slag i samband med att {perpetrator} kom hem berusad.",
    "Upprepade sms med hot och nedsättande ord under en kväll.",
    "{perpetrator} vägrade lämna bostaden och slog sönder inredning.",
    "Våldtäkt enligt {victim}s berättelse; hen vill inte medverka i förhör ännu.",
    "{perpetrator} har tagit {victim}s lön och bankkort.",
    "Grannar larmade om skrik och slag i lägenheten.",
    "Hot om våld vid överlämning av barnen.",
)

JOURNAL_TEXTS = (
    "Samtal med {victim} på kontoret. {victim_first} berättar om situationen hemma och vill ha stöd.",
    "Telefonkontakt med {victim_first}. Hen mår något bättre och har sovit hos en väninna.",
    "Gemensamt möte polis och socialtjänst. Vi går igenom läget och fördelar uppgifter.",
    "Riskbedömning påbörjad. Flera riskfaktorer finns, bland annat tidigare hot och svartsjuka.",
    "Säkerhetsplanering med {victim_first}: telefonnummer, flyktväg och var barnen kan vara.",
    "Uppsökande besök hos {perpetrator}. Erbjudande om samtalsbehandling lämnades.",
    "{perpetrator_first} tackade ja till ett första samtal hos behandlingsenheten.",
    "{perpetrator_first} avböjde kontakt. Nytt erbjudande om en månad.",
    "Kontakt med skolan om barnens situation, med {victim_first}s samtycke.",
    "Ansökan om kontaktförbud skickad till åklagare.",
    "Uppföljning: ingen ny händelse sedan förra kontakten.",
    "Hänvisat till kvinnojouren och brottsofferjouren. Broschyr lämnad.",
    "Skyddat boende ordnat för {victim_first} och barnen.",
    "Förhör hållet med {victim}. Uppgifterna stämmer med anmälan.",
    "Ärendet stängs efter överenskommelse; {victim_first} vet hur hon eller han når oss.",
)

CORRECTION_TEXTS = (
    "Rättelse: datumet för mötet i föregående anteckning ska vara dagen innan.",
    "Rättelse: det var {perpetrator_first}, inte {victim_first}, som ringde.",
    "Rättelse: felaktigt namn på skolan i tidigare anteckning.",
)

CASE_TITLES = (
    "Våld i nära relation",
    "Hot och trakasserier i nära relation",
    "Upprepat våld i parrelation",
    "Våld mot förälder",
    "Hedersrelaterat våld och förtryck",
    "Ekonomiskt och psykiskt våld",
)

CASE_SUMMARIES = (
    "Anmälan från grannar. Flera tidigare händelser enligt {victim_first}.",
    "{victim_first} sökte själv kontakt via mottagningen.",
    "Orosanmälan om barnen ledde till kontakt med familjen.",
    "Polisanmälan efter larm till 112.",
    "Kontakt via vårdcentralen efter upprepade skador.",
)

CONSENT_PURPOSES = (
    "Samordnat stöd och skydd för {victim_first}",
    "Gemensam planering inför rättegång",
    "Säkerhetsplanering tillsammans med polisen",
)

STATUTORY_PURPOSES = (
    "Förhindra allvarligt våld mot närstående",
    "Barnets behov av skydd",
)
