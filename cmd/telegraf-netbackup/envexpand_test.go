package main

import (
	"testing"

	"github.com/influxdata/toml"
	"github.com/stretchr/testify/require"
)

func TestOnlyBracedReferences(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a = "${NAME}"`, `a = "${NAME}"`},
		{`a = "pa$HOME"`, `a = "pa$$HOME"`},
		{`a = "pa$$HOME"`, `a = "pa$$HOME"`},
		{`a = "$${NAME}"`, `a = "$${NAME}"`},
		{`a = "${NAME:-x}"`, `a = "$${NAME:-x}"`},
		{`a = "${1}"`, `a = "$${1}"`},
		{`a = "p@ss$1$"`, `a = "p@ss$$1$$"`},
		{`a = "$$$X"`, `a = "$$$$X"`},
		{`a = "${A}${B}"`, `a = "${A}${B}"`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, string(onlyBracedReferences([]byte(tt.in))), tt.in)
	}
}

func TestEnvReferences(t *testing.T) {
	require.Equal(t, []string{"A", "B_2"}, envReferences("x${A}y$${NOT}z${B_2}$HOME${C:-d}"))
	require.Empty(t, envReferences("plain"))
}

func TestCheckEnvironmentReferences_NamesLineAndOption(t *testing.T) {
	t.Setenv("NBU_TEST_SET", "x")
	tree, err := toml.Parse([]byte("[[inputs.netbackup]]\n" +
		"  a = \"${NBU_TEST_SET}\"\n" +
		"  # b = \"${NBU_TEST_UNSET}\"\n" +
		"  c = \"$${NBU_TEST_UNSET}\"\n" +
		"  d = \"x\" # ${NBU_TEST_UNSET}\n" +
		"  servers = [\"https://a\", \"https://${NBU_TEST_UNSET_HOST}\"]\n" +
		"  api_key = \"${NBU_TEST_UNSET}\"\n"))
	require.NoError(t, err)

	err = checkEnvironmentReferences(tree)

	require.ErrorContains(t, err, "line 6: servers refers to the environment variable NBU_TEST_UNSET_HOST, which is not set")
	require.ErrorContains(t, err, `environment = ["NBU_TEST_UNSET_HOST=${NBU_TEST_UNSET_HOST}"]`)
}
