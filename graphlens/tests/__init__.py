"""Theano's `theano.tests`: the helpers Theano's tutorials use to test a new op
(`from theano.tests import unittest_tools as utt`)."""
