"""Participants' kernels forked from a warm template per flavour, so that they share what they import.

``template`` (one process per flavour, started by ``daemon``) imports ipykernel and the flavour's libraries
once, then forks one kernel per request on its Unix socket; ``caller`` makes the child the caller's (cgroups,
limits, account, folder, environment); ``provisioner`` is the jupyter_client side, with a plain start as the
fallback; ``flavour`` picks the template from the content catalogue; ``job`` starts a server's own
template inside a SLURM job or a Kubernetes pod.
"""
