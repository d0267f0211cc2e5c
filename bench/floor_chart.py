"""The floor for a shared link: a minimal Streamlit page drawing one Plotly chart.

`python -m bench` serves this beside the app and opens both in the same browser in the same run;
a shared link's time to its first chart is reported as a ratio to this page's.
"""
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), theme=None)
