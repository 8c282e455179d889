"""The French sentences of the attestation: what the training covers, and the state of the law it cites.

Law as of 2026-12-02, checked that day:
- Règlement (UE) 2024/1689 du 13 juin 2024 sur l'intelligence artificielle, article 4 « Maîtrise de l'IA »,
  JO L du 12 juillet 2024 (EUR-Lex, CELEX 32024R1689); applicable since 2 February 2025 (article 113, a).
- An amendment of article 4 in 2026 (the « omnibus numérique » on AI) is reported by secondary sources
  only; its official text could not be read here: it is « à vérifier » and stays out of the documents.
"""

from __future__ import annotations

LAW_AS_OF = "2 décembre 2026"
LAW_SOURCE = ("Règlement (UE) 2024/1689 du Parlement européen et du Conseil du 13 juin 2024 sur l'intelligence "
              "artificielle, article 4 « Maîtrise de l'IA », Journal officiel de l'Union européenne L du "
              "12 juillet 2024, https://eur-lex.europa.eu/eli/reg/2024/1689/oj")


def narrative() -> str:
    """What the training covers, for AI literacy (the criteria of the badge)."""
    return ("Formation pratique d'initiation à l'intelligence artificielle avec le kit civic-ai-kit : comprendre "
            "comment une IA apprend à partir d'exemples, mesurer ses erreurs et ses biais, reconnaître ce qu'elle "
            "peut et ne peut pas faire (par exemple contre la désinformation), et en discuter les usages. "
            "Elle contribue à la « maîtrise de l'IA » dont parle l'article 4 du règlement européen sur l'IA. "
            "Cette attestation décrit la formation suivie ; elle ne dit pas qu'une organisation respecte ce "
            "règlement.")


def law_note() -> str:
    return ("Dans sa version publiée au Journal officiel de l'Union européenne le 12 juillet 2024, l'article 4 du "
            "règlement (UE) 2024/1689 demande aux fournisseurs et aux déployeurs de systèmes d'IA de prendre des "
            "mesures pour que leur personnel ait un niveau suffisant de maîtrise de l'IA. Il s'applique depuis le "
            f"2 février 2025 (article 113). État du droit au {LAW_AS_OF}.")


def duration(seconds: int) -> str:
    if seconds <= 0:
        return "non mesuré"
    if seconds < 60:
        return "moins d'une minute"
    hours, rest = divmod(round(seconds / 60), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def summary(record: dict) -> str:
    """One French paragraph: who followed what, how long, where, when."""
    modules = len(record["modules"])
    return (f"{record['name']} a suivi une formation à l'intelligence artificielle ({modules} module"
            f"{'s' if modules > 1 else ''} travaillé{'s' if modules > 1 else ''}, temps passé : "
            f"{duration(record['seconds'])}) avec {record['facilitator']}, pour {record['organisation']}, "
            f"à {record['place']}.")
