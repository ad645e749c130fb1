"""The request policy: what Molly declines, decided before any LLM call.

Declined (see SECURITY.md S6): requests to build or run software that harms other people or
their data (keyloggers and spyware, credential or cookie theft, malware and ransomware, denial of
service, evading monitoring or proctoring, getting into others' accounts), role-play jailbreaks
that ask Molly to drop its rules, attempts to get its instructions, and the topics a course's
instructor lists. The ordinary Python behind them ("how do I read keyboard input", "how do I hash
a password") is answered.

Two signals. Rules catch the shapes that leave no doubt: a jailbreak persona or "ignore your
instructions", a request for "your system prompt", a request to write a harm-only artefact
("write a keylogger"). A logistic regression over the message's MiniLM embedding, trained on the
labelled requests shipped beside this file (``requests.jsonl``), catches the paraphrases ("a
script that quietly saves everything my roommate types"). Figures: ``eval/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from molly.classify import ExampleClassifier, read_examples
from molly.retrieval.embedder import Embedder
from molly.text import STOPWORDS

Category = Literal["harmful", "jailbreak", "extraction", "course"]
LABELS = ("harmful", "jailbreak", "extraction", "ordinary")
# How each reason is shown to instructors: what learners tried, in neutral words (counts, never blame).
DECLINED_LABELS = {"harmful": "software to harm others or their data", "jailbreak": "asked me to drop my rules",
                   "extraction": "asked for my instructions", "course": "a topic this course declines"}
# The labelled requests (harmful, jailbreak, extraction and their ordinary near-misses), and real
# ordinary questions (CoNaLa, CS1QA) so that plain Python questions are not out of the classifier's
# world; sources on every line (eval/datasets/make_policy_background.py writes the second file).
EXAMPLES = (Path(__file__).with_name("requests.jsonl"), Path(__file__).with_name("ordinary.jsonl"))

# Decline when the classifier puts less than this on "ordinary". 5-fold CV on the 662 shipped
# requests (rules + classifier): harmful 0.976, jailbreak 0.940, extraction 0.987 declined, ordinary
# 0.006; 1 of 1,934 real ordinary questions declined (eval/benchmarks/request_policy.py). Held-out
# figures (never tuned on) are in eval/README.md.
ORDINARY_FLOOR = 0.05

_YOU = r"(?:you|your|u|ur|molly|assistant|ai|bot|model|chatbot)"
_JAILBREAK = re.compile(
    r"(?i)\b(?:DAN|do anything now|jailbr(?:ea|o)k\w*|unrestricted (?:mode|ai|model)"
    rf"|(?:{_YOU}|now)\b[^.?!\n]{{0,20}}\b(?:developer|dev|god|admin|debug|teacher) mode|(?:developer|dev|god) mode (?:enabled|activated|on)"
    r"|stay in character|always says? yes|(?:decode|decrypt|reverse|translate|read) (?:this|the following)\b[^.?!\n]{0,40}\b"
    r"(?:and|then) (?:follow|do|execute|obey|carry out)"
    r"|no[- ]filter mode|opposite mode|evil (?:twin|mode|version|confidant))\b"
    r"|\b(?:ignore|disregard|forget|override|bypass|drop|disable|turn off|switch off)\s+(?:all\s+|any\s+|the\s+|of\s+)?(?:\w+\s+)?"
    rf"(?:{_YOU}\s+|previous\s+|prior\s+|earlier\s+|above\s+|original\s+|safety\s+|content\s+)*"
    r"(?:instructions?|rules|restrictions|filters?|guidelines|guardrails|limitations|polic(?:y|ies)|programming|training)\b"
    rf"|\b(?:{_YOU}\s+(?:are|r|'re)\s+(?:now\s+)?|act\s+as\s+|pretend\s+(?:to\s+be|you(?:'re|\s+are))\s+|roleplay\s+as\s+"
    r"|from now on,?\s+(?:you|u)\s+(?:are|will)\s+)"
    r"[^.?!\n]{0,60}\b(?:no|without|free of|zero|any)\s+(?:rules|restrictions|filters?|limits|limitations|guidelines|ethics|morals?)\b"
    r"|\b(?:no|without (?:any )?(?:ethical )?|zero|free of)\s*(?:rules|restrictions|filters|guidelines|refusals)\b[^\n]{0,80}"
    rf"\b(?:{_YOU}|mode|persona|role|pretend|imagine)\b|\b(?:{_YOU}|mode|persona|role|pretend|imagine)\b[^\n]{{0,80}}"
    r"\b(?:no|without (?:any )?(?:ethical )?|zero|free of)\s*(?:rules|restrictions|filters|guidelines|refusals)\b"
    r"|\b(?:restrictions|filters|rules|guidelines|safety)\b[^.?!\n]{0,15}\b(?:don'?t|do not|no longer|doesn'?t) apply\b"
    r"|\b(?:filters?|safety|restrictions)\b[^.?!\n]{0,15}\b(?:are |is )?(?:disabled|off|removed|lifted|repealed)\b"
    r"|\bnever refuses?\b|\bwithout (?:any )?(?:warnings? (?:or|and) )?refusals?\b|\bso the filters? (?:don'?t|do not|won'?t|can'?t)\b"
    r"|\b(?:be|as|you are|you're|play) (?:my )?(?:late |dead )?(?:grand ?ma|grandmother|grand ?pa|grandfather|granny)\b"
    r"|\b(?:grand ?ma|grandmother|grand ?pa|grandfather|granny)\b[^.?!\n]{0,40}\bused to (?:tell|read|say|explain)\b"
    rf"|\b{_YOU} (?:are|'re|r) not molly\b|\bnever (?:follows?|obeys?) (?:the |any |your )?(?:\w+ )?(?:rules|guidelines|instructions)\b"
    r"|\b(?:unchained|unleashed|unfiltered mode|no limits mode)\b"
    r"|\bas your (?:developer|creator|admin\w*|owner|programmer|maker)\b|\bi(?:'m| am) your (?:developer|creator|admin\w*|owner|maker)\b"
    r"|\bi(?:'m| am) the (?:developer|creator|admin\w*|owner|maker) of (?:this (?:bot|tutor|ai|chat\w*|platform)|you|molly)\b"
    r"|\b(?:simulate|act as|pretend to be|be)\s+(?:a |an )?(?:linux |unix |bash |python )?(?:terminal|shell|console|interpreter)\b"
    r"[^\n]{0,150}\b(?:reply only|only reply|respond only|nothing else|only (?:with )?the (?:terminal )?output)\b|\bnot molly anymore\b|\b(?:rebellious|evil|unfiltered|uncensored) (?:sister|brother|twin|version|mode|ai)\b")
_EXTRACTION = re.compile(
    rf"(?i)\b(?:{_YOU})\s*(?:'s\s+)?(?:system|initial|original|hidden|secret|internal|first|developer|full|exact|real)?\s*"
    r"(?:system prompt|prompt|instructions|rules|guidelines|configuration|config|directives|context window|system message)\b"
    r"|\b(?:the|this)\s+(?:system|initial|hidden|secret|developer)\s+(?:prompt|message|instructions)\b"
    r"|\b(?:repeat|print|output|quote|show|dump|echo|copy|write out)\s+(?:me\s+)?(?:everything|all|the (?:text|words|message|lines?))"
    r"\s+(?:above|before|preceding|that came before)\b"
    r"|\b(?:session|confidential|secret)\s+marker\b|\bsystem_prompt\b"
    r"|\b(?:text|words|everything|what)\s+(?:comes\s+|came\s+|is\s+|was\s+)?(?:before|above)\s+['\"]?(?:user|human|my message|"
    r"this message|the conversation)\b|\b(?:every|all|the)\s+(?:rules?|instructions)\s+(?:that\s+)?you\s+(?:follow|obey|"
    r"were given|have been given|got)\b"
    r"|\b(?:print|show|dump|output|display)\s+(?:the\s+|your\s+|full\s+|whole\s+)*context\b"
    r"|\b(?:instructions?|rules?|prompt|guidelines)\b[^.?!\n]{0,20}\b(?:you were|you've been|you have been|they) "
    r"(?:given|told)\b|\b(?:told|given|instructed)\b[^.?!\n]{0,10}\bbefore (?:this|our|the) (?:conversation|chat)\b")
# Asking about *the learner's own* prompt or rules ("how do I show a prompt with input()") is
# ordinary; these words after "your" mean the tutor only when no Python object is named.
_EXTRACTION_VERB = re.compile(
    r"(?i)\b(?:print|show|tell|reveal|repeat|output|dump|quote|translate|summari[sz]e|write|list|spell|encode|recite"
    r"|read|give|share|display|leak|what(?:'s| are| were| is)?|say|explain|describe|copy|paste|send|put|returns?|echo"
    r"|rewrite|turn|convert|format|make)\b")
_ARTEFACT = re.compile(
    r"(?i)\b(?:write|make|create|build|code|program|develop|design|give me|send me|show me how to (?:make|write|build|code))"
    r"\s+(?:me\s+)?(?:a|an|some|my own|the|one|simple|basic|small|python|working|real)?\s*(?:\w+\s+)?"
    r"(?:key\s?loggers?|keystroke loggers?|spyware|stalkerware|ransomware|malware|rootkits?|botnets?|trojans?"
    r"|(?:password|credential|cookie|token|session) (?:stealers?|grabbers?|harvesters?|sniffers?)|ddos\w*|dos attack"
    r"|phishing (?:pages?|sites?|emails?|kits?)|(?:computer )?(?:virus|worm)(?:es)?)\b")

# Harm is an act on someone else's things, or a covert one on someone else. The words below are
# general English for these (who owns, what is taken, how it hides), not any message's wording.
_PERSON = (r"(?:girl ?friend|boy ?friend|gf|bf|wife|husband|partner|ex|roommate|room ?mate|sister|brother|sibling|"
           r"cousin|mom|mum|dad|parents?|friends?|classmates?|teachers?|professor|boss|co-?workers?|colleagues?|"
           r"neighbou?rs?|crush|school|employer|company|victims?|target|guy|girl|kid)")
_OWNER = (rf"(?:(?:someone|somebody|anyone|anybody|everyone|whoever|people|other people|others|strangers?|a {_PERSON}"
          rf"|(?:my|our|the|a|this) (?:(?:little|big|older|younger|best|own|new|old) )?{_PERSON})(?:'s|s'|’s|s)?|(?:someone|somebody) else'?s|his|her|their|other people'?s|"
          r"(?:an?|the) (?:account|pc|computer|phone|laptop) (?:that|which) (?:isn'?t|is not|i don'?t own))")
_THING = (r"(?:pcs?|computers?|laptops?|phones?|accounts?|passwords?|pins?|logins?|e-?mails?|gmail|inbox|instagram|insta|"
          r"snapchat|whatsapp|discord|steam|twitter|facebook|tiktok|webcam|camera|screens?|location|gps|files?|"
          r"documents|drive|usb(?: stick)?|messages?|chats?|dms|texts|cookies?|tokens?|keys|keystrokes|typing|"
          r"browser|history|wi-?fi|router|network|server|website|site|number|credit cards?|profiles?|chrome|photos|folders?|"
          r"database|grades?|tablet|excel files|spreadsheets?)")
_TAKE = (r"(?:steal\w*|stole|grab\w*|harvest\w*|sniff\w*|intercept\w*|phish\w*|hijack\w*|exfiltrat\w*|spy\w*|"
         r"track\w*|record\w*|logs?|logging|captur\w*|cop(?:y|ies|ying)|read(?:ing|s)?|download\w*|spam\w*|flood\w*|"
         r"brute[- ]?forc\w*|crack\w*|hack\w*|lock\w*|encrypt\w*|wip(?:e|es|ing)|delet\w*|mass[- ]report\w*|"
         r"get into|break into|take over|control\w*|access\w*|monitor\w*|watch\w*|see what|get (?:his|her|their)|"
         r"collect\w*|gather\w*|obtain\w*|decrypt\w*|turn\w* on|switch\w* on|activat\w*|(?:a |remote )?shell (?:on|in|to)|"
         r"guess\w*|corrupt\w*|sabotag\w*|mess(?:es|ing)? (?:up|with))")
_TAKEN = re.compile(rf"(?i)\b{_TAKE}\b(?:\W+\w+){{0,6}}?\W+{_OWNER}\s+(?:\w+\s+){{0,2}}?{_THING}\b"
                    rf"|\b{_OWNER}\s+(?:\w+\s+){{0,2}}?{_THING}\b(?:\W+\w+){{0,8}}?\W+{_TAKE}\b"
                    rf"|\b{_TAKE}\b(?:\W+\w+){{0,4}}?\W+{_THING}\s+(?:of|from|on|in)\s+(?:the \w+ of\s+)?{_OWNER}(?=\W|$)"
                    r"|\b(?:scrap\w*|download\w*|read\w*|see|view\w*|get)\b(?:\W+\w+){0,4}?\W+private (?:\w+ )?"
                    r"(?:accounts?|profiles?|photos|posts|messages|chats|dms|stories)\b"
                    r"|\b(?:accounts?|profiles?|phones?|pcs?|computers?|routers?|wi-?fi)\b[^.?!\n]{0,30}\b(?:isn'?t|is not|not) "
                    r"(?:mine|my own)\b|\b(?:it'?s|its|it is) not my (?:router|account|pc|computer|phone|wifi|network)\b")
_OWN = re.compile(r"(?i)\bmy own\b|\bmine\b")
# Consent said outright ("we agreed", "they asked me to") makes an act on someone's things theirs to allow.
_CONSENT = re.compile(r"(?i)\b(?:we|i|she|he|they) (?:both )?agreed\b|\bwith (?:their|his|her) (?:permission|consent)\b"
                      r"|\b(?:asked|want(?:s|ed)?) me to\b|\bthey know\b")
# A look-alike login or message that collects what people type: phishing, however it is named.
_IMPERSONATE = (re.compile(r"(?i)\b(?:looks? (?:exactly |just )?like|copy of|clone\w*|fake|pretend\w* to be|spoof\w*|"
                           r"impersonat\w*)\b"),
                re.compile(r"(?i)\b(?:login|log-in|sign-?in|page|e-?mails?|site)\b"),
                re.compile(r"(?i)\b(?:passwords?|credentials|whatever (?:they|people|username)|what(?:ever)? (?:they|people) "
                           r"(?:type|enter))"))
# Files locked until someone pays: ransomware, however it is named.
_RANSOM = re.compile(r"(?i)\b(?:encrypt\w*|lock\w*)\b[^\n]{0,200}\b(?:pay|send|bitcoin|btc|crypto|ransom|money)\b"
                     r"[^\n]{0,60}\b(?:to get (?:them|it|the files|their files|the key)|get (?:them|it|their files) back|to unlock)")
# Collected secrets sent to the asker: what a stealer or spyware does.
_EXFIL = re.compile(
    r"(?i)\b(?:passwords?|cookies?|tokens?|keys|keystrokes|credentials|login data|history|screenshots?|webcam|location)\b"
    r"[^.?!\n]{0,80}\b(?:send\w*|upload\w*|e-?mail\w*|mail\w*|post\w*|forward\w*)\b[^.?!\n]{0,30}\b(?:to me|me|"
    r"to my (?:server|e-?mail|webhook|discord|drive|pc|phone|bot)|to (?:a|my) (?:discord )?webhook)\b")
# Floods, take-downs and harassment, by the shape of the aim.
_FLOOD = re.compile(
    r"(?i)\bddos\w*|\bdos attack|\b\w+ flood(?:er|ing)? (?:tool|attack|script)|\bboot (?:a |the )?\w+ off\b"
    r"|\b(?:so|until|till|til) (?:it|the (?:server|site|website)) (?:crashes|goes down|dies)\b"
    r"|\btake (?:it|them|the (?:server|site|website)|\w+'?s (?:server|site|website)) (?:down|offline)\b"
    r"|\bknock (?:\w+ ){1,3}offline\b|\bto (?:annoy|harass|bully|scare|stalk) (?:him|her|them|my \w+|people|someone)\b|\bflood\w* (?:it|them|him|her|the \w+|their \w+|\w+'s \w+) with\b"
    r"|\b(?:so|and) (?:he|she|they) (?:can'?t|cannot|won'?t be able to) block\b"
    r"|\bmass[- ]report\w*|\bspam (?:my |his |her |their |a |an )?\w+'?s? (?:phone|inbox|number|e-?mail|account)")
# Trying passwords or PINs against a login until one works.
_GUESS = re.compile(
    r"(?i)\b(?:tr(?:y|ies|ying)|guess\w*|brute[- ]?forc\w*)\b[^.?!\n]{0,40}\b(?:passwords?|pins?|codes?|combinations?|"
    r"wordlist|rockyou)\b[^.?!\n]{0,80}\b(?:until|till)\b[^.?!\n]{0,20}\b(?:gets? in|works|logs? in|succeeds|right one)"
    r"|\b(?:wordlist|rockyou|password list)\b[^.?!\n]{0,60}\bagainst\b")
_COVERT = re.compile(
    r"(?i)\b(?:secret(?:ly)?|quietly|silently|covert(?:ly)?|stealth\w*|undetect\w*|invisibl\w*|hides? (?:itself|it|from)"
    r"|without (?:them|him|her|anyone|anybody|the (?:user|person|victim|owner)|people)?\s*(?:being able to (?:see|notice|"
    r"stop|close|end|find)|knowing|noticing|seeing|finding out|knowledge|consent|permission|asking)"
    r"|(?:he|she|they|him|her|them|it|nobody|no one|the (?:user|person|victim|owner|teacher)) (?:won'?t|doesn'?t|don'?t|"
    r"wont|doesnt|dont|never|can'?t|cant|will not|does not) (?:ever )?(?:know|notice|see|find out|tell)"
    r"|without (?:their|his|her) (?:knowledge|consent|permission))\b")
_OTHERS = re.compile(rf"(?i)\b{_OWNER}(?=\W)|\b(?:the person using|whoever (?:runs|opens|uses)|other (?:people|users)|"
                     rf"(?:his|her|their|someone'?s) (?:pc|computer|laptop|phone)|on (?:him|her|them))\b")
_EVADE = re.compile(
    r"(?i)\b(?:bypass\w*|evad\w*|obfuscat\w*|get(?:ting)? (?:around|past)|trick\w*|fool\w*|beat|defeat\w*|disabl\w*|dodg\w*|"
    r"kill\w*|stop\w*|hid(?:e|es|ing)|undetect\w*|not (?:be )?(?:detected|caught|flagged|seen)|wo?n'?t (?:flag|catch|see|detect)|"
    r"doesn'?t (?:catch|detect|flag|see)|avoid (?:being )?(?:detected|caught|flagged)|not (?:show|appear)(?: up)?)\b"
    r"(?:\W+\w+){0,8}?\W+"
    r"(?:proctor\w*|lockdown|respondus|honorlock|examplify|safe exam browser|exam (?:software|monitor\w*|browser)|"
    r"(?:school|district|work|teacher'?s?)(?: \w+)? (?:filter|monitor\w*|firewall|software|admin|it)|goguardian|securly|"
    r"lightspeed|cheat\w* detect\w*|plagiarism (?:check\w*|detect\w*)|moss|turnitin|anti-?virus|defender|\bav\b|"
    r"task manager|monitoring|virustotal|anti-?cheat|battleye|vac)"
    r"|\b(?:proctor\w*|lockdown browser|exam software|monitoring software|anti-?virus|defender|plagiarism (?:checker|"
    r"detector)|(?:plagiarism|paste|cheat\w*|copy) detect\w*|moss|turnitin)\b(?:\W+\w+){0,12}?\W+(?:won'?t|doesn'?t|"
    r"can'?t|cant|wont|doesnt|not) (?:get |be )?(?:see|seen|notice|detect|detected|catch|caught|flag|flagged|know|tell)"
    r"|\b(?:proctor\w*|lockdown browser|exam software|exam browser|examplify|respondus|honorlock)\b[^\n]{0,200}"
    r"\b(?:fake|spoof\w*|so it thinks|hid(?:e|es|ing)|detects? when|(?:doesn'?t|not|won'?t) show up)\b")


# Finding or watching one person: stalking, however it is asked.
_STALK = re.compile(
    r"(?i)\b(?:find|track|locate|know|get)\b(?: out)? (?:her|his|their|someone'?s|(?:a|this|that) (?:certain|specific|particular)"
    r" (?:person|girl|guy)'?s?) (?:new |home |real |current )?(?:address|location|whereabouts|ip(?: address)?|schedule)\b"
    r"|\bso i know when (?:she|he|they)(?:'s|'re| is| are)\b")
# Attack payloads against a site that is not the learner's; defending one's own code is ordinary.
_ATTACK = re.compile(r"(?i)\b(?:sql ?injection|sqli|xss) (?:payloads?|strings?)\b[^\n]{0,80}\b(?:dump|steal|get|extract|see|read)\b")


def harmful_shape(text: str) -> bool:
    """Someone else's things taken or controlled, a covert act on someone else, monitoring or
    proctoring evaded, or a harm-only artefact asked for."""
    taken = _TAKEN.search(text)
    if taken and (_OWN.search(taken.group(0)) or _CONSENT.search(text)):
        taken = None  # "log in to my own account on the school portal"; "we agreed on a screen-time limit"
    return bool(taken or (_COVERT.search(text) and _OTHERS.search(text)) or _EVADE.search(text)
                or _ARTEFACT.search(text) or _HARM_ONLY.search(text) or _EXFIL.search(text) or _FLOOD.search(text)
                or _GUESS.search(text) or _RANSOM.search(text) or all(p.search(text) for p in _IMPERSONATE)
                or _STALK.search(text) or _ATTACK.search(text))


# Artefacts with no use but harm: named at all in a request for code or a how-to, declined. (Virus,
# worm, trojan and malware are not here: learners meet them as antivirus false positives.)
_HARM_ONLY = re.compile(
    r"(?i)\b(?:key ?log+ers?|keystroke loggers?|spyware|stalkerware|ransomware|rootkits?|botnets?|phishing (?:kits?|pages?|"
    r"sites?|e-?mails?)|(?:password|credential|cookie|token|session|discord|wifi) (?:stealers?|grabbers?|harvesters?)|"
    r"stealer|clipboard hijack\w*|remote access trojan|reverse shell)\b")

REPLIES: dict[str, str] = {
    "harmful": "I can't help with that: {why} {offer}",
    "jailbreak": ("I'm Molly, and I keep the same rules whatever role I'm asked to play. If you have a Python "
                  "question, ask it directly and I'll gladly help."),
    "extraction": ("My instructions stay private, but I'm glad to help with Python: ask me about the code "
                   "you're working on."),
    "course": ("Your instructor asked me not to help with this in this course ({topic}). I can still explain "
               "the Python ideas it uses if you ask about one of them."),
}
# The ordinary skill nearest to each kind of harmful request (by the nearest labelled example's topic).
OFFERS: dict[str, str] = {
    "keys": "I can show you how to read keyboard input in your own program (`input()`, or key events in tkinter).",
    "credentials": "I can show you how to store and check passwords safely in your own program (`hashlib`, `secrets`).",
    "network": "I can show you how `socket` and `urllib.request` talk to a server you run yourself.",
    "files": "I can show you how to work with your own files (`pathlib`, `shutil`) and hash them with `hashlib`.",
    "evasion": "I can help you prepare instead: ask me about any Python topic you're studying.",
    "scraping": "I can show you how to fetch a public page with `urllib.request` and parse it with `html.parser`.",
}
# Which offer fits, by the nearest labelled example's topic (or the message's own words).
_OFFER_OF = [(re.compile(r"(?i)keylog|key ?log|spy|stalk|webcam|screen|location|keystroke"), "keys"),
             (re.compile(r"(?i)credential|cookie|token|phish|account|password|login"), "credentials"),
             (re.compile(r"(?i)malware|ransom|virus|worm|trojan|remote_access|\brat\b|av_|antivirus"), "files"),
             (re.compile(r"(?i)\bd?dos\b|ddos|flood|spam|harass|botnet"), "network"),
             (re.compile(r"(?i)proctor|monitor|cheat|exam|plagiar"), "evasion"),
             (re.compile(r"(?i)scrap|private"), "scraping")]
_OTHERS_DATA = "it would be software for getting at other people or their data without their consent."
WHY = {"evasion": "it would be a way around your school's monitoring or exam rules, which protect everyone's work.",
       "network": "it would be software for flooding or harassing other people's services or phones."}
DEFAULT_OFFER = "I'm glad to help with the ordinary Python behind it in your own programs: input, files, sockets or web requests."


# The labels the classifier can decline with (the rest is "ordinary").
_CLASSIFIED: tuple[Category, ...] = ("harmful", "jailbreak", "extraction")


@dataclass(frozen=True)
class Decision:
    """A declined request: its category, the reply to show, and why (for the check and logs)."""

    category: Category
    reply: str
    reason: str


def normalise(text: str) -> str:
    """NFKC, zero-width and control characters out, whitespace squashed: the forms that hide a
    keyword from a pattern without hiding it from a reader."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c in "\n\t")
    return re.sub(r"[ \t]+", " ", text)


_LEET = str.maketrans("013457@$", "oieastas")


def unleet(text: str) -> str:
    """Digits read as letters inside words that mix both ("k3yl0gg3r" -> "keylogger"); numbers and
    words alone stay as they are."""
    return re.sub(r"\b(?=\w*[a-z])(?=\w*[0-9@$])[\w@$]+", lambda m: m.group(0).translate(_LEET), text, flags=re.I)


def ruled(text: str) -> Category | None:
    """The category the rules give ``text``, or None."""
    if _JAILBREAK.search(text):
        return "jailbreak"
    m = _EXTRACTION.search(text)
    if m and _EXTRACTION_VERB.search(text):
        return "extraction"
    if harmful_shape(text):
        return "harmful"
    return None


class RequestPolicy:
    """Decides, per message, whether to decline (``decide``). ``embedder`` None: rules only."""

    def __init__(self, embedder: Embedder | None, examples: tuple[Path, ...] = EXAMPLES,
                 floor: float = ORDINARY_FLOOR, cache_dir: Path | None = None) -> None:
        """``cache_dir``: where the examples' vectors are kept between starts (embedding them
        takes ~6 s on 2 cores; fitting on them ~0.1 s)."""
        self.embedder, self.example_files, self.floor, self.cache_dir = embedder, examples, floor, cache_dir

    @cached_property
    def examples(self) -> list[dict[str, str]]:
        """The labelled requests the classifier learns from."""
        return read_examples(self.example_files)

    @cached_property
    def _classifier(self) -> ExampleClassifier | None:
        """The classifier over the examples (None without an embedder)."""
        if self.embedder is None:
            return None
        return ExampleClassifier(self.embedder, self.examples, name="policy", cache_dir=self.cache_dir,
                                 prepare=normalise)

    def warm_up(self) -> None:
        """Fit the classifier now rather than in the first learner's turn."""
        if self._classifier is not None:
            _ = self._classifier.fitted

    def scores(self, text: str) -> dict[str, float]:
        """The classifier's probability per label (empty without an embedder)."""
        return self._classifier.probabilities(text) if self._classifier is not None else {}

    def category(self, text: str) -> Category | None:
        """Rules first, then the classifier; None means answer."""
        text = normalise(text)
        found = ruled(text) or ruled(unleet(text))
        if found is not None:
            return found
        scores = self.scores(text)
        if not scores or scores.get("ordinary", 1.0) >= self.floor:
            return None
        return max(_CLASSIFIED, key=lambda k: scores.get(k, 0.0))

    def decide(self, text: str, topics: list[str] | tuple[str, ...] = ()) -> Decision | None:
        """A ``Decision`` to decline ``text``, or None to answer it. ``topics``: the course's own
        topics to decline (matched by ``course_topic``)."""
        found = self.category(text)
        if found == "harmful":
            return Decision("harmful", self.harm_reply(text), "a harmful request")
        if found is not None:
            return Decision(found, REPLIES[found], {"jailbreak": "a role-play jailbreak",
                                                    "extraction": "a request for my instructions"}[found])
        topic = course_topic(text, topics)
        if topic is not None:
            return Decision("course", REPLIES["course"].format(topic=topic), f"a topic the course declines: {topic}")
        return None

    def harm_reply(self, text: str) -> str:
        """Why not, in one sentence, and the nearby legitimate skill, chosen by the topic of the most
        similar harmful example (or the message's own words without a classifier)."""
        about = text
        if (classifier := self._classifier) is not None:
            sims = classifier.fitted.vectors @ classifier.vector(text)
            harmful = [i for i, e in enumerate(self.examples) if e["label"] == "harmful"]
            about = self.examples[max(harmful, key=lambda i: sims[i])].get("topic", "") if harmful else text
        group = next((g for pattern, g in _OFFER_OF if pattern.search(about)), "")
        return REPLIES["harmful"].format(why=WHY.get(group, _OTHERS_DATA), offer=OFFERS.get(group, DEFAULT_OFFER))


_TOPIC_FILLER = STOPWORDS | frozenset("don't dont do not solve help with answer answers write give any the my our "
                                      "please about questions question".split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower()))


def topic_words(topic: str) -> set[str]:
    """The words of an instructor's topic that name it ("don't solve the week 5 project" ->
    week, 5, project)."""
    return {w for w in _words(topic) if w not in _TOPIC_FILLER}


def course_topic(text: str, topics: list[str] | tuple[str, ...]) -> str | None:
    """The first of ``topics`` whose naming words all occur in ``text``."""
    words = _words(text)
    return next((t for t in topics if (need := topic_words(t)) and need <= words), None)
