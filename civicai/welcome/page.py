"""The welcome page, ``/civicai/bienvenue`` on a participant's Jupyter server (a server extension).

What the workshop is, where to start (one button to the first notebook of the module the
facilitator chose, or of every module when none was chosen), how to get help. Plain French for
someone who has never seen Jupyter; nothing for operators.
"""

from __future__ import annotations

from html import escape

from civicai.welcome.modules import Module, chosen_module, list_modules

PATH = "civicai/bienvenue"

STYLE = """
body { font-family: sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       color: #1d1d1d; font-size: 1.15rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2rem; }
a.commencer { display: inline-block; background: #1f5fbf; color: #fff; padding: 0.8rem 1.4rem;
              border-radius: 0.5rem; text-decoration: none; font-size: 1.25rem; margin: 0.3rem 0; }
a.commencer:focus, a.commencer:hover { background: #163f80; outline: 3px solid #f0b400; }
kbd { border: 1px solid #888; border-radius: 0.25rem; padding: 0 0.3rem; background: #f4f4f4; }
"""


def _button(base_url: str, module: Module) -> str:
    href = f"{base_url}lab/tree/{module.first_path}"
    return f'<a class="commencer" href="{escape(href)}">Commencer : {escape(module.title)}</a>'


def render(base_url: str, modules: list[Module], chosen: Module | None) -> str:
    """The page's HTML for a server at ``base_url`` (ends with ``/``)."""
    if chosen is not None:
        start = [f"<p>Aujourd'hui, vous suivez ce module :</p><p>{_button(base_url, chosen)}</p>"]
        others = [m for m in modules if m != chosen]
    else:
        start = ["<p>Choisissez le module indiqué par la personne qui anime l'atelier :</p>"]
        start += [f"<p>{_button(base_url, m)}</p>" for m in modules]
        others = []
    more = ""
    if others:
        items = "".join(f'<li><a href="{escape(base_url)}lab/tree/{escape(m.first_path)}">{escape(m.title)}</a></li>'
                        for m in others)
        more = f"<h2>Les autres modules</h2><p>Pour plus tard, ou pour aller plus loin :</p><ul>{items}</ul>"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bienvenue dans l'atelier</title><style>{STYLE}</style></head>
<body><main>
<h1>Bienvenue dans l'atelier sur l'intelligence artificielle</h1>
<p>Dans cet atelier, vous découvrez comment marche une intelligence artificielle en la faisant
fonctionner vous-même. Les petits programmes sont déjà écrits : vous les lancez, vous faites des
prédictions et vous regardez ce qui se passe. Vous n'avez pas besoin de savoir coder.</p>
<h2>Par où commencer</h2>
{''.join(start)}
<h2>Comment ça marche</h2>
<p>Le module s'ouvre dans une page de travail appelée « notebook ». Il est fait de cases : des cases
de texte à lire et des cases de code à lancer. Pour lancer une case de code, cliquez dedans puis
appuyez sur <kbd>Maj</kbd> + <kbd>Entrée</kbd>. Le résultat s'affiche juste en dessous.</p>
<h2>Besoin d'aide ?</h2>
<p>Levez la main : la personne qui anime l'atelier vient vous aider. Vous ne pouvez rien casser.
Si votre notebook est abîmé, elle peut vous en redonner une copie neuve.</p>
{more}
</main></body></html>
"""


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    class WelcomeHandler(JupyterHandler):
        @web.authenticated
        def get(self):
            modules = list_modules()
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(render(self.base_url, modules, chosen_module(modules)))

    route = url_path_join(serverapp.web_app.settings["base_url"], PATH)
    serverapp.web_app.add_handlers(".*$", [(route, WelcomeHandler)])
