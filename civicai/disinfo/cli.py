"""``civicai donnees affirmations``: check or rebuild module 3's claims corpus.

Standard library only at import time (``civicai --help`` stays instant).
"""

from __future__ import annotations


def register(sub) -> None:
    from civicai.cli import dataset_parsers

    dsub = dataset_parsers(sub)
    a = dsub.add_parser(
        "affirmations", help="vérifier ou reconstruire le corpus d'affirmations du module 3",
        description="Vérifie le corpus datasets/affirmations-fr (valeurs permises, doublons, "
        "parties A et B) et affiche son équilibre. Avec --reconstruire, le reconstruit d'abord "
        "à partir de sources/*.txt, puis réentraîne le détecteur de la démo et recalcule le "
        "cache des plongements.",
        epilog="Exemple : civicai donnees affirmations --reconstruire")
    a.add_argument("--reconstruire", action="store_true",
                   help="reconstruire le CSV, le détecteur de la démo et le cache des plongements")
    a.set_defaults(handler=_claims)


def _claims(args) -> int:
    import json

    from civicai.disinfo import corpus, detector, matching
    from civicai.errors import UserError
    from civicai.french import percent

    if args.reconstruire:
        corpus.write_csv(corpus.build_rows(corpus.parse_sources()))
        detector.light_model_path().write_text(
            json.dumps(detector.export_light(detector.train_on_split_a()), ensure_ascii=False, indent=0),
            encoding="utf-8")
        matching.corpus_embeddings([r["texte"] for r in corpus.read_rows()], rebuild=True)
    try:
        report = corpus.validate(corpus.load_claims())
    except ValueError as exc:
        raise UserError(f"Le corpus a des problèmes. {exc}") from None
    print(f"{report['rows']} affirmations, {report['facts']} faits : {report['labels']}.")
    print(f"Partie A : {report['rows_A']} affirmations, style et étiquette liés à "
          f"{percent(report['association_A'])}.")
    print(f"Partie B : {report['rows_B']} affirmations, style et étiquette liés à "
          f"{percent(report['association_B'])} (50 % = indépendants).")
    return 0
