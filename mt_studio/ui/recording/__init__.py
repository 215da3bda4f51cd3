"""The Record tab: Record and Stop, the meters, the count-in, the levels before a take."""
