"""Restid till vården: how far women in the county live from specialist maternity care today (Västerås only),
with the four hubs of the region's report, and with BMM at every vårdcentral; where hubs would serve best."""
