"""The kit on a university cluster: SLURM (batchspawner) and Kubernetes (zero-to-jupyterhub).

``deploy/slurm/jupyterhub_config.py`` calls :func:`civicai.cluster.slurm.configure_slurm`;
``civicai.cluster.capacity`` turns measured per-user figures into participants per node.
"""
