"""What the prevention-chain coordinator works with: coverage of the chain, unmet demand,
freshness and confirmations, the steering group's report, the coordinator's users."""
