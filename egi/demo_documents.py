"""Demo manuals as real Word files: a consultant's draft and its revision after expert comments.

Rule: content is deterministic per version, and every body paragraph carries a Word paragraph
id (``w14:paraId``) derived from a fixed key, so a paragraph that survives a revision (edited
or not) keeps its id and a new paragraph gets a new one, exactly as the comparison expects.

The text is written for the EGI demo. It is modelled on the 2009 IOM / UN.GIFT initiative in
which a consultant drafted guiding principles for memoranda of understanding (MoUs) between
law enforcement and key stakeholders, advised by an expert group from five sectors; it is not
the text of that publication.

Content is a list of items ``(kind, key, text)``; kinds are ``title``, ``subtitle``, ``h1``,
``h2``, ``p`` (plain paragraph), ``np`` (numbered paragraph: "<chapter>.<n> " is prepended,
the chapter being the number that starts the last ``h1``), ``bullet`` and ``table`` (text is a
``_Table``). A revision is a ``_Revision`` applied to the previous version's items.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

__all__ = [
    "MANUAL_TITLE",
    "SECOND_MANUAL_TITLE",
    "W14_NS",
    "build_manual_docx",
    "build_second_manual_docx",
]

MANUAL_TITLE = (
    "Guiding Principles on Memoranda of Understanding between Key Stakeholders and Law "
    "Enforcement Agencies on Counter-Trafficking Cooperation"
)
SECOND_MANUAL_TITLE = "Labour Inspection and Victim Identification: A Practitioners' Checklist"
AUTHOR = "Colin Consultant"

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PARA_ID = f"{{{W14_NS}}}paraId"
_IGNORABLE = f"{{{MC_NS}}}Ignorable"


@dataclass(frozen=True)
class _Table:
    """A table: caption key, header cells, and rows as (row key, cells)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


Item = tuple[str, str, "str | _Table"]


@dataclass
class _Revision:
    """How one version differs from the previous one."""

    reworded: dict[str, str] = field(default_factory=dict)
    added: list[tuple[str, Item]] = field(default_factory=list)  # (insert after key, item)
    removed: set[str] = field(default_factory=set)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (key, insert after key)
    table_rows: dict[str, list[tuple[str, tuple[str, tuple[str, ...]]]]] = field(
        default_factory=dict
    )  # table key -> [(after row key, (row key, cells))]


# --------------------------------------------------------------------------- main manual

_ROLES = _Table(
    header=("Stakeholder", "Typical role under an MoU", "Contact point"),
    rows=(
        (
            "le",
            (
                "Law enforcement agencies",
                "Identify and investigate cases, protect victims and witnesses, refer "
                "presumed victims to assistance",
                "Specialised anti-trafficking unit or designated liaison officer",
            ),
        ),
        (
            "ngo",
            (
                "Non-governmental organisations",
                "Provide shelter, counselling, legal and medical assistance; accompany "
                "victims through proceedings",
                "Case manager or programme coordinator",
            ),
        ),
        (
            "igo",
            (
                "Intergovernmental organisations",
                "Support return and reintegration, provide technical advice and training, "
                "facilitate cross-border cooperation",
                "Counter-trafficking focal point in the country office",
            ),
        ),
        (
            "research",
            (
                "Research institutes",
                "Analyse trends, evaluate cooperation, advise on data collection and ethics",
                "Principal investigator or data protection officer",
            ),
        ),
        (
            "labour",
            (
                "Labour inspectorates",
                "Detect indicators of forced labour at workplaces, refer cases, secure "
                "unpaid wages",
                "Regional chief inspector",
            ),
        ),
    ),
)

_MANUAL_V1: list[Item] = [
    ("title", "title", MANUAL_TITLE),
    ("subtitle", "status", "Consultant's draft for the expert group, version 1"),
    ("h1", "intro", "Introduction"),
    (
        "p",
        "intro-1",
        "Trafficking in persons is rarely uncovered, investigated or prosecuted by one "
        "institution alone. Police officers meet victims who are afraid to speak; social "
        "workers and shelters hear accounts that never reach an investigator; labour "
        "inspectors see the working conditions in which exploitation takes place. Cooperation "
        "between these actors works best when it rests on clear, written arrangements.",
    ),
    (
        "p",
        "intro-2",
        "A memorandum of understanding (MoU) is one such arrangement. It records who does what, "
        "how information is shared, and how the rights of victims are protected while each "
        "partner keeps its own mandate. An MoU is not a substitute for legislation; it is a "
        "practical tool that makes existing obligations work in daily practice.",
    ),
    (
        "p",
        "intro-3",
        "These guiding principles were drafted by a consultant and discussed by an expert group "
        "drawn from five sectors: law enforcement agencies, non-governmental organisations, "
        "intergovernmental organisations, research institutes and labour inspectorates. They "
        "reflect the experience of practitioners in countries of origin, transit and "
        "destination.",
    ),
    (
        "p",
        "intro-scope",
        "The principles cover cooperation in identifying victims, referring them to "
        "assistance, protecting them during investigations and proceedings, and supporting "
        "their safe return or integration. They apply to trafficking for all forms of "
        "exploitation, including sexual exploitation, forced labour, forced begging and the "
        "removal of organs, and to both national and cross-border cases.",
    ),
    (
        "p",
        "intro-why",
        "Experience shows that informal cooperation between individuals can work well for a "
        "time but rarely survives a change of staff. A written MoU gives cooperation a "
        "memory: it allows a new officer or a new shelter manager to understand at once what "
        "has been agreed, and it gives each partner a reference point when expectations differ.",
    ),
    (
        "p",
        "intro-process",
        "The text was prepared in stages. A first draft was circulated to the members of the "
        "expert group, who commented on it in writing and at a meeting. The consultant then "
        "revised the draft, and the expert group approved the final version. Comments that "
        "could not be reflected in the text are recorded in the report of the meeting.",
    ),
    ("h1", "howto", "How to use these principles"),
    (
        "p",
        "howto-1",
        "Each chapter addresses one group of stakeholders and sets out the principles that "
        "should guide its cooperation with law enforcement agencies, followed by a short "
        "practical checklist. Readers may go directly to the chapter that concerns them, but "
        "the principles are meant to be read together: an MoU binds at least two parties, and "
        "each should understand the obligations of the other.",
    ),
    (
        "p",
        "howto-2",
        "The principles are not a model text to be copied. They describe what a sound MoU "
        "should achieve and leave the wording to the parties, who know their legal framework "
        "and their institutions best. The annex lists typical roles and contact points as a "
        "starting point for negotiation.",
    ),
    (
        "p",
        "howto-3",
        "Three principles apply throughout: the human rights of trafficked persons come first; "
        "no partner is asked to act outside its mandate; and cooperation is reviewed regularly "
        "and adjusted in the light of experience.",
    ),
    ("h2", "terms", "Key terms"),
    (
        "bullet",
        "term-victim",
        "Presumed victim: a person for whom there are reasonable grounds to believe that he or "
        "she has been trafficked, before formal identification is complete.",
    ),
    (
        "bullet",
        "term-referral",
        "Referral: the process by which one partner puts a person in contact with another "
        "partner for assistance or protection, with the person's knowledge.",
    ),
    (
        "bullet",
        "term-contact",
        "Contact point: the named officer or staff member through whom a partner receives "
        "and sends referrals and information under the MoU.",
    ),
    (
        "bullet",
        "term-reflection",
        "Reflection and recovery period: a period during which a presumed victim may rest, "
        "receive assistance and decide, free from pressure, whether to cooperate with the "
        "authorities.",
    ),
    # ---- 1 Law enforcement agencies
    ("h1", "le", "1 Law enforcement agencies"),
    (
        "p",
        "le-intro",
        "Law enforcement agencies are usually the party that initiates an MoU, because they "
        "need the trust and expertise of other actors to identify victims and build cases that "
        "do not depend solely on victim testimony. In this chapter, law enforcement agencies "
        "include the police, border guards and, where they investigate trafficking, "
        "specialised units of other services.",
    ),
    ("h2", "le-principles", "Guiding principles"),
    (
        "np",
        "le-1",
        "Law enforcement agencies should designate a single contact point for each partner "
        "organisation, with a named deputy, so that referrals are never delayed by uncertainty "
        "about whom to call.",
    ),
    (
        "np",
        "le-2",
        "Presumed victims should be treated as victims from the first contact, not as "
        "offenders against immigration, labour or prostitution laws. The MoU should state that "
        "victims will not be detained or prosecuted for offences they were compelled to commit.",
    ),
    (
        "np",
        "le-3",
        "Officers should inform presumed victims, in a language they understand, of their "
        "rights, of the assistance available and of the role of each partner under the MoU.",
    ),
    (
        "np",
        "le-identification",
        "Identification should not depend on a formal complaint by the victim. Officers "
        "should act on the indicators they observe and on information from partners, and "
        "should record the grounds on which a person was treated as a presumed victim.",
    ),
    (
        "np",
        "le-4",
        "Law enforcement agencies should share with partners only the information needed for "
        "the assistance or protection of a person, and should agree in advance how such "
        "information is recorded, stored and deleted.",
    ),
    (
        "np",
        "le-interview",
        "Interviews with presumed victims should be conducted by trained officers, in a safe "
        "place, with an interpreter who is not connected to the suspected traffickers. Where "
        "the person wishes, a representative of an assistance provider may be present.",
    ),
    (
        "np",
        "le-children",
        "Where the presumed victim may be a child, the MoU should require that the child "
        "protection authority is informed at once and that a guardian is appointed before any "
        "formal interview takes place.",
    ),
    (
        "np",
        "le-5",
        "A reflection and recovery period should be granted irrespective of whether the person "
        "agrees to cooperate with the investigation.",
    ),
    ("h2", "le-checklist", "Practical checklist"),
    ("bullet", "le-b1", "Name the contact point and deputy in an annex that is updated yearly."),
    ("bullet", "le-b2", "Agree on the forms used to refer a presumed victim to a partner."),
    (
        "bullet",
        "le-b3",
        "Agree on a secure channel for sharing information, and on who may use it.",
    ),
    (
        "bullet",
        "le-b4",
        "Provide joint training for officers and partner staff at least once a year.",
    ),
    (
        "bullet",
        "le-b5",
        "Record the time between first contact and referral, to review it with partners.",
    ),
    (
        "p",
        "le-good",
        "Good practice: several police services have found that a short joint case review after "
        "each referral, held without assigning blame, builds trust faster than formal meetings.",
    ),
    # ---- 2 NGOs
    ("h1", "ngo", "2 Non-governmental organisations"),
    (
        "p",
        "ngo-intro",
        "Non-governmental organisations (NGOs) often have the first confidential contact with "
        "trafficked persons. Their independence is the reason victims trust them, and an MoU "
        "must protect that independence. The principles below apply equally to faith-based "
        "organisations, trade unions and other civil society actors that assist victims.",
    ),
    ("h2", "ngo-principles", "Guiding principles"),
    (
        "np",
        "ngo-1",
        "The MoU should recognise that NGOs act on behalf of the persons they assist and are "
        "not an extension of the police. They should not be required to report information "
        "obtained in confidence, except where the law imposes such a duty.",
    ),
    (
        "np",
        "ngo-2",
        "Assistance should not be made conditional on the victim's willingness to cooperate "
        "with the authorities.",
    ),
    (
        "np",
        "ngo-safety",
        "The location of shelters should be protected. Law enforcement agencies should agree "
        "not to disclose it, and should not visit a shelter in uniform or in marked vehicles "
        "unless there is an emergency.",
    ),
    (
        "np",
        "ngo-3",
        "NGOs should be informed in good time of police operations in which presumed victims "
        "may be found, so that shelter, interpretation and counselling can be ready.",
    ),
    (
        "np",
        "ngo-4",
        "Where an NGO accompanies a victim during interviews or court hearings, the MoU should "
        "describe its role and the limits of that role.",
    ),
    (
        "np",
        "ngo-feedback",
        "Law enforcement agencies should tell the referring NGO, as far as the law allows, "
        "what has happened to a case it referred. Silence after a referral is one of the most "
        "common reasons why NGOs stop referring.",
    ),
    (
        "np",
        "ngo-5",
        "Funding arrangements should be transparent and should not create a dependency that "
        "could compromise the organisation's independence.",
    ),
    ("h2", "ngo-checklist", "Practical checklist"),
    (
        "bullet",
        "ngo-b1",
        "Set out the services the NGO offers and the hours at which it can receive referrals.",
    ),
    (
        "bullet",
        "ngo-b2",
        "Agree on how the NGO is notified before and after an operation.",
    ),
    (
        "bullet",
        "ngo-b3",
        "Describe how disagreements about a particular case are raised and resolved.",
    ),
    (
        "bullet",
        "ngo-b4",
        "Agree on how the NGO is told of the outcome of the cases it referred.",
    ),
    # ---- 3 IGOs
    ("h1", "igo", "3 Intergovernmental organisations"),
    (
        "p",
        "igo-intro",
        "Intergovernmental organisations (IGOs) contribute expertise, programmes for assisted "
        "voluntary return and reintegration, and links with authorities in other countries. "
        "Their status and privileges differ from those of national partners and should be "
        "respected in any MoU.",
    ),
    ("h2", "igo-principles", "Guiding principles"),
    (
        "np",
        "igo-1",
        "An MoU should specify which services the IGO provides directly and which it supports "
        "through national partners, so that victims are not passed between organisations.",
    ),
    (
        "np",
        "igo-standards",
        "IGOs should apply the same standards of confidentiality and consent as national "
        "partners, even where their own rules allow wider exchange of information between "
        "their offices.",
    ),
    (
        "np",
        "igo-2",
        "Return should be voluntary, safe and preceded by a risk assessment. Law enforcement "
        "agencies should share relevant threat information with the IGO before a return is "
        "organised.",
    ),
    (
        "np",
        "igo-3",
        "IGOs can facilitate contact between law enforcement agencies of different countries, "
        "but should not themselves act as a channel for criminal intelligence.",
    ),
    (
        "np",
        "igo-mandate",
        "Where several IGOs are active in the same country, the MoU should record which "
        "organisation leads on which service, so that partners and victims receive one "
        "consistent answer.",
    ),
    (
        "np",
        "igo-4",
        "Training delivered by IGOs should be adapted to national law and delivered together "
        "with national trainers wherever possible.",
    ),
    ("h2", "igo-checklist", "Practical checklist"),
    (
        "bullet",
        "igo-b1",
        "Confirm which privileges and immunities apply and how they affect information requests.",
    ),
    (
        "bullet",
        "igo-b2",
        "Agree on a procedure for urgent return cases outside office hours.",
    ),
    (
        "bullet",
        "igo-b3",
        "Identify counterpart offices in the main countries of origin.",
    ),
    (
        "bullet",
        "igo-b4",
        "Share the IGO's return and reintegration procedures with all partners.",
    ),
    # ---- 4 Research institutes
    ("h1", "research", "4 Research institutes"),
    (
        "p",
        "research-intro",
        "Research institutes help partners understand the scale and forms of trafficking and "
        "whether their cooperation works. They depend on access to data, and they must protect "
        "the people behind that data. Universities, public research bodies and independent "
        "institutes are all covered by this chapter.",
    ),
    ("h2", "research-principles", "Guiding principles"),
    (
        "np",
        "research-1",
        "Data shared with researchers should be anonymised before it leaves the partner that "
        "collected it, unless the persons concerned have given informed consent.",
    ),
    (
        "np",
        "research-2",
        "The MoU should state the purpose of the research, the data to be shared, the period "
        "for which it is kept and who owns the results.",
    ),
    (
        "np",
        "research-independence",
        "The independence of researchers should be respected. Partners may comment on "
        "research questions and methods, but should not decide which findings are reported.",
    ),
    (
        "np",
        "research-3",
        "Research involving interviews with victims should be approved by an ethics committee "
        "and should never interfere with ongoing investigations or proceedings.",
    ),
    (
        "np",
        "research-4",
        "Findings should be shared with all partners before publication, so that factual "
        "errors can be corrected; partners should not, however, be able to veto conclusions.",
    ),
    (
        "np",
        "research-capacity",
        "Partners should be helped to collect data in a consistent way. A short guide to the "
        "agreed indicators, prepared by the research institute, is often more useful than a "
        "detailed questionnaire that practitioners have no time to complete.",
    ),
    (
        "np",
        "research-evaluation",
        "Research institutes can evaluate the MoU itself. Such an evaluation should be planned "
        "when the MoU is signed, with baseline data collected from the start, rather than "
        "commissioned after problems have arisen.",
    ),
    ("h2", "research-checklist", "Practical checklist"),
    (
        "bullet",
        "research-b1",
        "Agree on common definitions and indicators before data collection begins.",
    ),
    (
        "bullet",
        "research-b2",
        "Name the person responsible for data protection in each institution.",
    ),
    (
        "bullet",
        "research-b3",
        "Plan how results will be presented to practitioners, not only to academics.",
    ),
    # ---- 5 Labour inspectorates
    ("h1", "labour", "5 Labour inspectorates"),
    (
        "p",
        "labour-intro",
        "Labour inspectors have a legal right to enter workplaces that police may only enter "
        "with a warrant. They are therefore well placed to detect trafficking for forced "
        "labour, provided that their inspections are not seen by workers as immigration "
        "controls.",
    ),
    ("h2", "labour-principles", "Guiding principles"),
    (
        "np",
        "labour-1",
        "The primary task of labour inspection is to protect workers. An MoU should not turn "
        "inspectors into agents of immigration enforcement, as this deters exploited workers "
        "from coming forward.",
    ),
    (
        "np",
        "labour-2",
        "Inspectors should be trained to recognise indicators of forced labour and trafficking "
        "and should know how to refer a presumed victim to the designated contact point.",
    ),
    (
        "np",
        "labour-firewall",
        "Information obtained by inspectors about a worker's residence status should not be "
        "passed to immigration authorities when the worker is a presumed victim of "
        "trafficking, so that exploited workers are not discouraged from speaking to "
        "inspectors.",
    ),
    (
        "np",
        "labour-3",
        "Joint inspections with the police should be planned in advance, with a clear division "
        "of tasks and the presence of an assistance provider where victims may be found.",
    ),
    (
        "np",
        "labour-4",
        "The recovery of unpaid wages and social security contributions should be pursued for "
        "all workers, including those in an irregular situation.",
    ),
    (
        "np",
        "labour-information",
        "Labour inspectorates should receive from law enforcement agencies general information "
        "on sectors and regions at risk, so that inspections can be targeted, without being "
        "given tasks that belong to a criminal investigation.",
    ),
    ("h2", "labour-checklist", "Practical checklist"),
    (
        "bullet",
        "labour-b1",
        "Include sectors with a high risk of forced labour in the annual inspection plan.",
    ),
    (
        "bullet",
        "labour-b2",
        "Agree on the indicators that trigger a referral to law enforcement.",
    ),
    (
        "bullet",
        "labour-b3",
        "Record the outcome of each referral so that the partners can learn from it.",
    ),
    (
        "bullet",
        "labour-b4",
        "Make sure inspectors carry the referral form and contact list on every visit.",
    ),
    # ---- 6 Monitoring and review
    ("h1", "monitoring", "6 Monitoring and review of an MoU"),
    (
        "p",
        "monitoring-intro",
        "An MoU that is signed and then forgotten does more harm than good: it creates "
        "expectations that are not met. Monitoring keeps the agreement alive and shows "
        "whether it serves the people it was written to protect.",
    ),
    (
        "np",
        "monitoring-1",
        "The parties should meet at least once a year to review how the MoU has worked, using "
        "a small number of agreed indicators such as the number of referrals, the time taken "
        "to provide assistance and the outcome of cases.",
    ),
    (
        "np",
        "monitoring-2",
        "Victims' views on the assistance and protection they received should be sought, with "
        "their consent and in a way that does not expose them to further harm.",
    ),
    (
        "np",
        "monitoring-report",
        "The results of each review should be recorded in a short report agreed by all "
        "parties, listing what worked, what did not, and the changes the parties have "
        "decided to make.",
    ),
    (
        "np",
        "monitoring-3",
        "A review may be carried out by an independent body, such as a national rapporteur or a "
        "research institute that is not itself a party to the MoU.",
    ),
    (
        "np",
        "monitoring-4",
        "The MoU should state how it can be amended or terminated, and what happens to shared "
        "information when a party withdraws.",
    ),
    # ---- Annex
    ("h1", "annex", "Annex: Roles and responsibilities at a glance"),
    (
        "p",
        "annex-intro",
        "The table below summarises the roles typically assigned to each stakeholder under an "
        "MoU. It is a starting point for discussion, not a prescription.",
    ),
    ("table", "roles", _ROLES),
    (
        "p",
        "annex-note",
        "Contact details should be kept in a separate, regularly updated list, so that the MoU "
        "itself does not need to be amended each time a person changes position.",
    ),
    ("h2", "annex-elements", "Elements usually found in an MoU"),
    ("bullet", "el-parties", "The parties, their mandates and the legal basis for cooperation."),
    ("bullet", "el-purpose", "The purpose of the MoU and the principles the parties share."),
    (
        "bullet",
        "el-roles",
        "The roles and responsibilities of each party, including contact points.",
    ),
    (
        "bullet",
        "el-referral",
        "The referral procedure, with forms and time limits where appropriate.",
    ),
    (
        "bullet",
        "el-information",
        "Rules on information sharing, confidentiality and data protection.",
    ),
    ("bullet", "el-training", "Joint training and the exchange of expertise."),
    ("bullet", "el-costs", "Costs and how they are shared, if any."),
    (
        "bullet",
        "el-disputes",
        "The settlement of disagreements between the parties.",
    ),
    (
        "bullet",
        "el-review",
        "Monitoring, review, amendment and termination of the MoU.",
    ),
]

_MANUAL_REVISIONS: dict[int, _Revision] = {
    2: _Revision(
        reworded={
            "status": "Revised draft incorporating comments of the expert group, version 2",
            "intro-1": "Trafficking in persons is rarely uncovered, investigated or prosecuted "
            "by a single institution. Police officers meet victims who are afraid to speak; "
            "social workers and shelters hear accounts that never reach an investigator; labour "
            "inspectors see the working conditions in which exploitation takes place. "
            "Cooperation between these actors works best when it rests on clear, written and "
            "regularly reviewed arrangements.",
            "intro-2": "A memorandum of understanding (MoU) is one such arrangement. It records "
            "who does what, how information is shared, and how the rights of victims are "
            "protected while each partner keeps its own mandate. An MoU does not replace "
            "legislation; it is a practical tool that turns existing obligations into daily "
            "practice.",
            "le-2": "Presumed victims should be treated as victims from the first contact, not "
            "as offenders against immigration, labour or prostitution laws. The MoU should state "
            "that victims will not be detained, charged or prosecuted for offences they were "
            "compelled to commit as a direct consequence of being trafficked.",
            "le-5": "A reflection and recovery period of at least 30 days should be granted "
            "irrespective of whether the person agrees to cooperate with the investigation.",
            "ngo-3": "NGOs should be informed in good time of planned police operations in "
            "which presumed victims may be found, so that shelter, interpretation and "
            "counselling can be arranged in advance, without disclosing operational details.",
            "igo-2": "Return should be voluntary, safe and dignified, and preceded by an "
            "individual risk assessment. Law enforcement agencies should share relevant threat "
            "information with the IGO before a return is organised.",
            "research-1": "Data shared with researchers should be anonymised before it leaves "
            "the partner that collected it, unless the persons concerned have given free and "
            "informed consent in writing.",
            "labour-3": "Joint inspections with the police should be planned in advance, with a "
            "clear division of tasks, and an assistance provider should be present wherever "
            "victims may be found.",
            "monitoring-1": "The parties should meet at least once a year to review how the MoU "
            "has worked, using a small set of agreed indicators such as the number of referrals, "
            "the time taken to provide assistance and the outcome of cases.",
        },
        added=[
            (
                "le-5",
                (
                    "np",
                    "le-6",
                    "Personal data exchanged under the MoU should be processed in accordance "
                    "with national data protection law. The MoU should name a data controller "
                    "for each exchange, limit access to staff who need it, and set retention "
                    "periods after which records are deleted or anonymised.",
                ),
            ),
            (
                "ngo-5",
                (
                    "np",
                    "ngo-6",
                    "A presumed victim should be referred to another organisation only with "
                    "his or her informed consent, given after the purpose of the referral and "
                    "the information to be shared have been explained. Consent may be "
                    "withdrawn at any time, and a refusal should not affect the assistance "
                    "offered.",
                ),
            ),
        ],
        removed={"igo-4"},
        moved=[("le-good", "monitoring-4")],
        table_rows={
            "roles": [
                (
                    "labour",
                    (
                        "prosecution",
                        (
                            "Prosecution services",
                            "Advise on evidence at an early stage, decide on non-prosecution "
                            "of victims, protect witnesses in court",
                            "Specialised prosecutor for trafficking cases",
                        ),
                    ),
                )
            ]
        },
    ),
    3: _Revision(
        reworded={
            "status": "Final version approved by the expert group, version 3",
            "howto-2": "The principles are not a model text to be copied. They describe what a "
            "sound MoU should achieve and leave the wording to the parties, who know their "
            "legal framework and their institutions best. The annex lists typical roles and "
            "contact points as a starting point for negotiations.",
            "monitoring-3": "A review may be carried out by an independent body, such as a "
            "national rapporteur, an equivalent mechanism or a research institute that is not "
            "itself a party to the MoU.",
        },
    ),
}

# --------------------------------------------------------------------------- second manual

_CONTACTS = _Table(
    header=("Situation", "First contact", "Follow-up"),
    rows=(
        (
            "danger",
            (
                "Immediate danger to a worker",
                "Police emergency number",
                "Inform the designated anti-trafficking contact point the same day",
            ),
        ),
        (
            "indicators",
            (
                "Several indicators of forced labour, no immediate danger",
                "Designated anti-trafficking contact point",
                "Offer the worker contact with a specialised NGO",
            ),
        ),
        (
            "wages",
            (
                "Unpaid wages only",
                "Labour inspectorate legal service",
                "Record the case and check the employer again within six months",
            ),
        ),
    ),
)

_CHECKLIST_V1: list[Item] = [
    ("title", "title", SECOND_MANUAL_TITLE),
    ("subtitle", "status", "Draft for consultation, version 1"),
    ("h1", "intro", "Introduction"),
    (
        "p",
        "intro-1",
        "This checklist helps labour inspectors recognise possible cases of trafficking for "
        "forced labour during routine inspections and act on them safely. It complements, and "
        "does not replace, national inspection procedures.",
    ),
    (
        "p",
        "intro-2",
        "No single indicator proves that a person is a victim of trafficking. Inspectors should "
        "look for a combination of indicators and, when in doubt, refer the case.",
    ),
    ("h1", "before", "1 Before the inspection"),
    (
        "np",
        "before-1",
        "Check previous inspection reports, complaints and information from partner agencies "
        "about the workplace.",
    ),
    (
        "np",
        "before-2",
        "Arrange for interpreters in the languages workers are likely to speak, and avoid using "
        "supervisors or co-workers as interpreters.",
    ),
    (
        "np",
        "before-3",
        "Where risk indicators are known in advance, agree with the police and an assistance "
        "provider who will be present and who leads each part of the visit.",
    ),
    ("h1", "during", "2 During the inspection"),
    (
        "np",
        "during-1",
        "Speak to workers away from employers and supervisors, and explain that the inspection "
        "is about working conditions, not immigration status.",
    ),
    (
        "np",
        "during-2",
        "Record what you observe about accommodation, working hours, pay and identity "
        "documents, even if workers do not complain.",
    ),
    (
        "np",
        "during-3",
        "Do not promise outcomes you cannot guarantee, such as a residence permit or immediate "
        "payment of wages.",
    ),
    ("h1", "indicators", "3 Indicators of trafficking for forced labour"),
    ("bullet", "ind-1", "Identity documents held by the employer or a third party."),
    ("bullet", "ind-2", "Debts to the employer or recruiter that cannot realistically be repaid."),
    ("bullet", "ind-3", "Wages withheld, paid irregularly or far below the legal minimum."),
    ("bullet", "ind-4", "Workers living at the workplace and not free to leave it."),
    ("bullet", "ind-5", "Threats against workers or their families."),
    ("bullet", "ind-6", "Workers who seem to be coached on what to say to inspectors."),
    ("h1", "referral", "4 Referral"),
    (
        "np",
        "referral-1",
        "Follow the referral route agreed in the local memorandum of understanding. The table "
        "below summarises the usual first steps.",
    ),
    ("table", "contacts", _CONTACTS),
    (
        "np",
        "referral-2",
        "After a referral, record the outcome in the inspection report and inform the worker of "
        "the next steps in a language he or she understands.",
    ),
]

_CHECKLIST_REVISIONS: dict[int, _Revision] = {
    2: _Revision(
        reworded={
            "status": "Revised after consultation, version 2",
            "intro-2": "No single indicator proves that a person is a victim of trafficking. "
            "Inspectors should look for a combination of indicators and, when in doubt, refer "
            "the case to the designated contact point.",
            "during-1": "Speak to workers in private, away from employers and supervisors, and "
            "explain that the inspection is about working conditions, not immigration status.",
        },
        added=[
            (
                "ind-5",
                ("bullet", "ind-7", "Workers recruited with false promises about the job."),
            )
        ],
        removed={"ind-6"},
    ),
    3: _Revision(reworded={"status": "Final version, version 3"}),
}


# --------------------------------------------------------------------------- revisions


def _apply(items: list[Item], rev: _Revision) -> list[Item]:
    """The item list of the next version: reword, remove, move, add, then add table rows."""
    out: list[Item] = []
    for kind, key, text in items:
        if key in rev.removed:
            continue
        if key in rev.table_rows and isinstance(text, _Table):
            rows = list(text.rows)
            for after, row in rev.table_rows[key]:
                at = next(n for n, (row_key, _) in enumerate(rows) if row_key == after)
                rows.insert(at + 1, row)
            text = _Table(text.header, tuple(rows))
        out.append((kind, key, rev.reworded.get(key, text)))
    for key, after in rev.moved:
        item = next(it for it in out if it[1] == key)
        out.remove(item)
        out.insert(_index(out, after) + 1, item)
    for after, item in rev.added:
        out.insert(_index(out, after) + 1, item)
    return out


def _index(items: list[Item], key: str) -> int:
    return next(n for n, it in enumerate(items) if it[1] == key)


def _version_items(base: list[Item], revisions: dict[int, _Revision], version: int) -> list[Item]:
    if version < 1 or version > 1 + len(revisions):
        raise ValueError(f"unknown version {version}; expected 1 to {1 + len(revisions)}")
    items = list(base)
    for v in range(2, version + 1):
        items = _apply(items, revisions[v])
    return items


# --------------------------------------------------------------------------- Word output


def para_id(doc_key: str, key: str) -> str:
    """The Word paragraph id for a logical paragraph: 8 uppercase hex digits below 0x80000000."""
    digest = hashlib.sha1(f"{doc_key}/{key}".encode(), usedforsecurity=False).digest()
    value = int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
    return f"{value or 1:08X}"


def _declare_w14(document: Document) -> None:
    """Make sure the root declares w14 and lists it in mc:Ignorable, as Word itself does."""
    root = document.element
    if root.nsmap.get("w14") != W14_NS or root.nsmap.get("mc") != MC_NS:
        etree.cleanup_namespaces(
            root, top_nsmap={"w14": W14_NS, "mc": MC_NS}, keep_ns_prefixes=list(root.nsmap)
        )
    ignorable = (root.get(_IGNORABLE) or "").split()
    if "w14" not in ignorable:
        root.set(_IGNORABLE, " ".join([*ignorable, "w14"]))


def _tag(paragraph: Paragraph, doc_key: str, key: str, seen: set[str]) -> None:
    pid = para_id(doc_key, key)
    if pid in seen:  # a SHA-1 prefix collision would break anchors: fail loudly in tests
        raise ValueError(f"duplicate paraId {pid} for {key!r}")
    seen.add(pid)
    paragraph._p.set(_PARA_ID, pid)


def _add_table(document: Document, table: _Table, doc_key: str, key: str, seen: set[str]) -> None:
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    header_row = grid.rows[0]
    tr_pr = header_row._tr.get_or_add_trPr()  # repeat the header row; marks it for readers
    tr_pr.append(OxmlElement("w:tblHeader"))
    for col, text in enumerate(table.header):
        paragraph = header_row.cells[col].paragraphs[0]
        paragraph.add_run(text).bold = True
        _tag(paragraph, doc_key, f"{key}/head/{col}", seen)
    for row, (row_key, cells) in zip(grid.rows[1:], table.rows, strict=True):
        for col, text in enumerate(cells):
            paragraph = row.cells[col].paragraphs[0]
            paragraph.add_run(text)
            _tag(paragraph, doc_key, f"{key}/{row_key}/{col}", seen)


_STYLES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "p": "Normal",
    "np": "Normal",
    "bullet": "List Bullet",
}


def _build(doc_key: str, title: str, items: list[Item], version: int) -> bytes:
    document = docx.Document()
    _declare_w14(document)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph, if any
        body.remove(p)
    seen: set[str] = set()
    chapter, number = "", 0
    for kind, key, content in items:
        if isinstance(content, _Table):
            _add_table(document, content, doc_key, key, seen)
            continue
        text = content
        if kind == "h1":
            match = re.match(r"(\d+) ", text)
            chapter, number = (match.group(1) if match else ""), 0
        elif kind == "np":
            number += 1
            text = f"{chapter}.{number} {text}" if chapter else f"{number}. {text}"
        paragraph = document.add_paragraph(text, style=_STYLES[kind])
        _tag(paragraph, doc_key, key, seen)
    props = document.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = title
    props.subject = "Counter-trafficking cooperation"
    props.comments = (
        "Demonstration document for EGI, written for the demo and modelled on the 2009 "
        "IOM / UN.GIFT expert group initiative on MoUs; not the original publication."
    )
    props.revision = version
    props.created = datetime(2009, 3, 2, 9, 0, tzinfo=UTC)
    props.modified = datetime(2009, 3 + 2 * version, 1, 9, 0, tzinfo=UTC)
    prune_unused_styles(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def manual_items(version: int) -> list[Item]:
    """The logical content (kind, key, text) of the main demo manual in that version."""
    return _version_items(_MANUAL_V1, _MANUAL_REVISIONS, version)


def prune_unused_styles(document) -> None:
    """Keep only the styles in use: python-docx's 350 KB template makes mammoth slow."""
    body = document.element.body
    used = {el.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
            for el in body.iter(qn(tag))}
    styles = document.styles.element
    by_id = {el.get(qn("w:styleId")): el for el in styles.iter(qn("w:style"))}
    keep = {sid for sid, el in by_id.items() if el.get(qn("w:default")) in ("1", "true")}
    todo = list(used)
    while todo:
        sid = todo.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for ref in ("w:basedOn", "w:next"):
            el = by_id[sid].find(qn(ref))
            if el is not None:
                todo.append(el.get(qn("w:val")))
    for el in list(styles):
        if el.tag == qn("w:latentStyles") or (
            el.tag == qn("w:style") and el.get(qn("w:styleId")) not in keep
        ):
            styles.remove(el)



def build_manual_docx(version: int) -> bytes:
    """The main demo manual as .docx: 1 = consultant's draft, 2 = revision, 3 = final."""
    return _build("mou-guiding-principles", MANUAL_TITLE, manual_items(version), version)


def build_second_manual_docx(version: int) -> bytes:
    """The shorter second demo manual (labour inspection checklist) as .docx, versions 1-3."""
    items = _version_items(_CHECKLIST_V1, _CHECKLIST_REVISIONS, version)
    return _build("labour-inspection-checklist", SECOND_MANUAL_TITLE, items, version)
