"""Run targets: training on another machine over SSH, or on a SLURM cluster.

A run whose ``target`` is set is trained by a *follower* process on this machine
(targets/follow.py) that stages the run to the target, starts the worker there
detached from the connection, and copies the remote worker's terminal and events to
its own stderr and stdout as they grow. The RunManager starts the follower exactly as
it starts a local worker, so the stored log, the live chart and the outcome work the
same way for every target.
"""
