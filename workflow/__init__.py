"""The case workflow 受理→研判→交办→办结→评价→总结→归档: rules and their execution.

No Flask request in here: views, the API, the CLI and the seed call
`workflow.service` with plain values and an actor.
"""
