"""The regional risk-factor mix: how different is the region's pregnant population from the nation's, where in the county, and how much of it is age structure?"""
